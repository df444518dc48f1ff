using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Authorization;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Authorization;

public sealed class AccessControlTests
{
    private static JsonObject Policies(string service, string operations, params string[] resources) => new()
    {
        [service] = new JsonObject
        {
            ["c:1"] = new JsonObject
            {
                ["operations"] = new JsonArray(operations),
                ["resources"] = new JsonArray([.. resources.Select(r => (JsonNode)r)]),
            },
        },
    };

    private static bool PubSubAllows(string pattern, string topic) =>
        AccessControl.Load(Policies(AccessControl.PubSubService, "aws.greengrass#PublishToTopic", pattern))
            .IsAuthorized(AccessControl.PubSubService, "aws.greengrass#PublishToTopic", topic, ResourceLookup.Standard);

    private static bool MqttProxyAllows(string pattern, string topic) =>
        AccessControl.Load(Policies(AccessControl.MqttProxyService, "*", pattern))
            .IsAuthorized(AccessControl.MqttProxyService, "aws.greengrass#SubscribeToIoTCore", topic, ResourceLookup.MqttStyle);

    [Theory]
    [InlineData("demo/*", "demo/a/b", true)]
    [InlineData("demo/*", "other/a", false)]
    [InlineData("*", "anything", true)]
    [InlineData("demo/+", "demo/a", false)]
    [InlineData("demo/+", "demo/+", true)]
    [InlineData("demo/#", "demo/#", true)]
    [InlineData("demo/#", "demo", false)]
    [InlineData("a*c", "abbbc", true)]
    [InlineData("price${$}/${*}", "price$/*", true)]
    [InlineData("price${$}/${*}", "price$/x", false)]
    public void IsAuthorized_PubSubStandardLookup_GlobsOnlyWithStar(string pattern, string topic, bool expected) =>
        Assert.Equal(expected, PubSubAllows(pattern, topic));

    [Theory]
    [InlineData("devices/+/telemetry", "devices/d1/telemetry", true)]
    [InlineData("devices/+/telemetry", "devices/d1/x/telemetry", false)]
    [InlineData("devices/+", "devices/d1", true)]
    [InlineData("+/telemetry", "d1/telemetry", true)]
    [InlineData("+", "d1", true)]
    [InlineData("+", "d1/x", false)]
    [InlineData("commands/#", "commands/a/b", true)]
    [InlineData("commands/#", "commands", true)]
    [InlineData("commands/#", "commandsX", false)]
    [InlineData("#", "any/thing", true)]
    [InlineData("a#", "a#", true)]
    [InlineData("a#", "ab", false)]
    [InlineData("a+b/x", "a+b/x", true)]
    [InlineData("a+b/x", "aZb/x", false)]
    [InlineData("devices/+/telemetry", "devices/#", false)]
    [InlineData("things/*/jobs/#", "things/core/jobs", true)]
    public void IsAuthorized_MqttProxyLookup_HonoursValidMqttWildcardsOnly(string pattern, string topic, bool expected) =>
        Assert.Equal(expected, MqttProxyAllows(pattern, topic));

    [Fact]
    public void Load_ThingNameVariable_IsRefusedWithTheNucleusMessageAndGrantsNothing()
    {
        var loaded = AccessControl.Load(Policies(AccessControl.MqttProxyService, "*", "things/${iot:thingName}/jobs", "open/topic"));

        var problem = Assert.Single(loaded.Problems);
        Assert.Equal(("c:1", "things/${iot:thingName}/jobs"), (problem.PolicyId, problem.Resource));
        Assert.Equal("Resource contains an invalid escape sequence. You can use ${*}, ${$}, or ${?}", problem.Message);
        Assert.False(loaded.IsAuthorized(AccessControl.MqttProxyService, "aws.greengrass#PublishToIoTCore", "things/core/jobs", ResourceLookup.MqttStyle));
        Assert.False(loaded.IsAuthorized(AccessControl.MqttProxyService, "aws.greengrass#PublishToIoTCore", "things/${iot:thingName}/jobs", ResourceLookup.MqttStyle));
        Assert.True(loaded.IsAuthorized(AccessControl.MqttProxyService, "aws.greengrass#PublishToIoTCore", "open/topic", ResourceLookup.MqttStyle));
    }

    [Fact]
    public void IsAuthorized_OperationNotListed_IsDenied() =>
        Assert.False(AccessControl.Load(Policies(AccessControl.PubSubService, "aws.greengrass#SubscribeToTopic", "*"))
            .IsAuthorized(AccessControl.PubSubService, "aws.greengrass#PublishToTopic", "t", ResourceLookup.Standard));

    [Fact]
    public void IsAuthorized_PolicyUnderOtherService_IsDenied() =>
        Assert.False(AccessControl.Load(Policies(AccessControl.MqttProxyService, "*", "*"))
            .IsAuthorized(AccessControl.PubSubService, "aws.greengrass#PublishToTopic", "t", ResourceLookup.Standard));

    [Fact]
    public void IsAuthorized_NoAccessControl_IsDenied() =>
        Assert.False(AccessControl.Load(null).IsAuthorized(AccessControl.PubSubService, "aws.greengrass#PublishToTopic", "t", ResourceLookup.Standard));

    [Fact]
    public void Load_PolicyMembersInAnyCase_AndAccessControlAsJsonText_AreRead()
    {
        var text = JsonValue.Create("""{"aws.greengrass.ipc.pubsub":{"p":{"Operations":["*"],"RESOURCES":["a/b"]}}}""");

        var loaded = AccessControl.Load(text);

        Assert.True(loaded.IsAuthorized(AccessControl.PubSubService, "aws.greengrass#SubscribeToTopic", "a/b", ResourceLookup.Standard));
    }

    [Fact]
    public void Load_PolicyWithoutOperations_IsSkippedAndReported()
    {
        var policies = JsonNode.Parse("""{"aws.greengrass.ipc.pubsub":{"p":{"resources":["*"]}}}""");

        var loaded = AccessControl.Load(policies);

        Assert.Empty(loaded.Policies);
        Assert.Equal("Policy operations are missing or invalid", Assert.Single(loaded.Problems).Message);
    }
}
