using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Authorization;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Authorization;

public sealed class AccessControlTests
{
    private static JsonObject Configuration(string service, string operations, params string[] resources) => new()
    {
        ["accessControl"] = new JsonObject
        {
            [service] = new JsonObject
            {
                ["c:1"] = new JsonObject
                {
                    ["operations"] = new JsonArray(operations),
                    ["resources"] = new JsonArray([.. resources.Select(r => (JsonNode)r)]),
                },
            },
        },
    };

    [Theory]
    [InlineData("demo/*", "demo/a/b", true)]
    [InlineData("demo/*", "other/a", false)]
    [InlineData("*", "anything", true)]
    [InlineData("demo/+", "demo/a", false)]
    [InlineData("demo/+", "demo/+", true)]
    [InlineData("a*c", "abbbc", true)]
    public void IsAuthorized_PubSubStandardLookup_GlobsOnlyWithStar(string pattern, string topic, bool expected) =>
        Assert.Equal(expected, AccessControl.IsAuthorized(
            Configuration(AccessControl.PubSubService, "aws.greengrass#PublishToTopic", pattern),
            AccessControl.PubSubService, "aws.greengrass#PublishToTopic", topic, ResourceLookup.Standard, "core"));

    [Theory]
    [InlineData("devices/+/telemetry", "devices/d1/telemetry", true)]
    [InlineData("devices/+/telemetry", "devices/d1/x/telemetry", false)]
    [InlineData("commands/#", "commands/a/b", true)]
    [InlineData("commands/#", "commands/#", true)]
    [InlineData("devices/+/telemetry", "devices/#", false)]
    [InlineData("things/${iot:thingName}/jobs", "things/core/jobs", true)]
    [InlineData("things/${iot:thingName}/jobs", "things/other/jobs", false)]
    public void IsAuthorized_MqttProxyLookup_HonoursMqttWildcardsAndThingName(string pattern, string topic, bool expected) =>
        Assert.Equal(expected, AccessControl.IsAuthorized(
            Configuration(AccessControl.MqttProxyService, "*", pattern),
            AccessControl.MqttProxyService, "aws.greengrass#SubscribeToIoTCore", topic, ResourceLookup.MqttStyle, "core"));

    [Fact]
    public void IsAuthorized_OperationNotListed_IsDenied() =>
        Assert.False(AccessControl.IsAuthorized(
            Configuration(AccessControl.PubSubService, "aws.greengrass#SubscribeToTopic", "*"),
            AccessControl.PubSubService, "aws.greengrass#PublishToTopic", "t", ResourceLookup.Standard, "core"));

    [Fact]
    public void IsAuthorized_PolicyUnderOtherService_IsDenied() =>
        Assert.False(AccessControl.IsAuthorized(
            Configuration(AccessControl.MqttProxyService, "*", "*"),
            AccessControl.PubSubService, "aws.greengrass#PublishToTopic", "t", ResourceLookup.Standard, "core"));

    [Fact]
    public void IsAuthorized_NoAccessControl_IsDenied() =>
        Assert.False(AccessControl.IsAuthorized([], AccessControl.PubSubService, "aws.greengrass#PublishToTopic", "t", ResourceLookup.Standard, "core"));
}
