using System.Text.Json.Nodes;
using EdgeInference.EventStream;
using EdgeInference.Greengrass.Emulator.Tests.Fakes;
using EdgeInference.Greengrass.Ipc.Rpc;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Integration;

/// <summary>
/// The order of checks and the texts of the nucleus's IPC agents (PubSubIPCEventStreamAgent: authorization before the
/// topic rules; MqttProxyIPCAgent: topic, authorization, payload, QoS; ConfigStoreIPCEventStreamAgent: componentName),
/// on raw requests the typed client cannot send.
/// </summary>
public sealed class OperationRulesTests
{
    private const string Component = "com.example.Rules";

    [Fact]
    public async Task PublishToTopic_WildcardTopicWithoutPolicy_IsUnauthorizedBeforeTheTopicRule()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var peer = await RawPeer.ConnectAsync(harness, accept: true, Component);

        var error = await CallAsync(peer, "aws.greengrass#PublishToTopic", """{"topic":"a/+","publishMessage":{"binaryMessage":{"message":"eA=="}}}""");

        Assert.Equal("UnauthorizedError", (string?)error["_errorCode"]);
        Assert.Equal($"Principal {Component} is not authorized to perform aws.greengrass.ipc.pubsub:aws.greengrass#PublishToTopic on resource a/+", (string?)error["message"]);
    }

    [Fact]
    public async Task PublishToTopic_WildcardTopicWithPolicy_GetsTheTopicRule()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var peer = await RawPeer.ConnectAsync(harness, accept: true, Component, PubSubPolicy("*"));

        var error = await CallAsync(peer, "aws.greengrass#PublishToTopic", """{"topic":"a/+","publishMessage":{"binaryMessage":{"message":"eA=="}}}""");

        Assert.Equal(("InvalidArgumentsError", "Publish topic must not contain a wildcard."), ((string?)error["_errorCode"], (string?)error["message"]));
    }

    [Theory]
    [InlineData("""{"publishMessage":{"binaryMessage":{"message":"eA=="}}}""", "InvalidArgumentsError", "Publish topic must not be null")]
    [InlineData("""{"topic":"","publishMessage":{"binaryMessage":{"message":"eA=="}}}""", "UnauthorizedError", "Resource cannot be empty")]
    public async Task PublishToTopic_AbsentOrEmptyTopic_GetsTheNucleusAnswer(string request, string code, string message)
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var peer = await RawPeer.ConnectAsync(harness, accept: true, Component, PubSubPolicy("*"));

        var error = await CallAsync(peer, "aws.greengrass#PublishToTopic", request);

        Assert.Equal((code, message), ((string?)error["_errorCode"], (string?)error["message"]));
    }

    [Theory]
    [InlineData("eA==", "eA==")]
    [InlineData("\\u0065A==", "eA==")] // escaped: decoded and encoded again, as the nucleus does
    public async Task PublishToTopic_BinaryMessage_ReachesSubscribersAsTheNucleusWritesIt(string sent, string delivered)
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var peer = await RawPeer.ConnectAsync(harness, accept: true, Component, PubSubPolicy("t/*"));
        await peer.SendAsync(RawPeer.Request(1, "aws.greengrass#SubscribeToTopic", """{"topic":"t/x"}"""));
        Assert.NotNull(await peer.ReceiveAsync());

        await peer.SendAsync(RawPeer.Request(2, "aws.greengrass#PublishToTopic", "{\"topic\":\"t/x\",\"publishMessage\":{\"binaryMessage\":{\"message\":\"" + sent + "\"}}}"));
        string? received = null;
        for (var i = 0; i < 2; i++)
        {
            var message = await peer.ReceiveAsync();
            RpcHeaders.TryReadMetadata(message!, out var type, out _, out var streamId);
            Assert.Equal(RpcMessageType.ApplicationMessage, type);
            if (streamId == 1)
            {
                received = System.Text.Encoding.UTF8.GetString(message!.Payload.Span);
            }
        }

        Assert.Equal("{\"binaryMessage\":{\"message\":\"" + delivered + "\",\"context\":{\"topic\":\"t/x\"}}}", received);
    }

    [Theory]
    [InlineData("""{"qos":"0","payload":"eA=="}""", "InvalidArgumentsError", "Topic is required")]
    [InlineData("""{"topicName":"denied/t","qos":"0","payload":"eA=="}""", "UnauthorizedError", "Not Authorized")]
    [InlineData("""{"topicName":"","qos":"0","payload":"eA=="}""", "UnauthorizedError", "Not Authorized")]
    [InlineData("""{"topicName":"ok/t","qos":"0"}""", "InvalidArgumentsError", "Payload is required")]
    [InlineData("""{"topicName":"ok/t","payload":"eA=="}""", "InvalidArgumentsError", "QoS is required")]
    [InlineData("""{"topicName":"ok/t","qos":"2","payload":"eA=="}""", "InvalidArgumentsError", "Invalid QoS value: 2")]
    [InlineData("""{"topicName":"denied/t","qos":"2"}""", "UnauthorizedError", "Not Authorized")]
    public async Task PublishToIoTCore_ChecksInTheNucleusOrder(string request, string code, string message)
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var peer = await RawPeer.ConnectAsync(harness, accept: true, Component,
            EmulatorHarness.Policy(Component, "aws.greengrass.ipc.mqttproxy", ["aws.greengrass#PublishToIoTCore"], "ok/#"));

        var error = await CallAsync(peer, "aws.greengrass#PublishToIoTCore", request);

        Assert.Equal((code, message), ((string?)error["_errorCode"], (string?)error["message"]));
    }

    [Theory]
    [InlineData("""{"topicName":"ok/t"}""", "QoS is required")]
    [InlineData("""{"topicName":"ok/t","qos":"7"}""", "Invalid QoS value: 7")]
    public async Task SubscribeToIoTCore_BadQos_GetsTheNucleusMessage(string request, string message)
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var peer = await RawPeer.ConnectAsync(harness, accept: true, Component,
            EmulatorHarness.Policy(Component, "aws.greengrass.ipc.mqttproxy", ["*"], "ok/#"));

        var error = await CallAsync(peer, "aws.greengrass#SubscribeToIoTCore", request);

        Assert.Equal(("InvalidArgumentsError", message), ((string?)error["_errorCode"], (string?)error["message"]));
    }

    [Fact]
    public async Task GetConfiguration_OfAnotherComponent_IsServedWithoutAPolicy_AndAnEmptyNameIsNotTheCaller()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        harness.Emulator.AddComponent("com.example.Model", new JsonObject { ["ModelName"] = "resnet" });
        await using var peer = await RawPeer.ConnectAsync(harness, accept: true, Component, new JsonObject { ["Own"] = 1 });

        await peer.SendAsync(RawPeer.Request(1, "aws.greengrass#GetConfiguration", """{"componentName":"com.example.Model","keyPath":["ModelName"]}"""));
        var answer = JsonNode.Parse((await peer.ReceiveAsync())!.Payload.Span)!;
        var error = await CallAsync(peer, "aws.greengrass#GetConfiguration", """{"componentName":""}""", streamId: 2);

        Assert.Equal("com.example.Model", (string?)answer["componentName"]);
        Assert.Equal("resnet", (string?)answer["value"]!["ModelName"]);
        Assert.Equal(("ResourceNotFoundError", "Key not found"), ((string?)error["_errorCode"], (string?)error["message"]));
    }

    private static JsonObject PubSubPolicy(params string[] resources) =>
        EmulatorHarness.Policy(Component, "aws.greengrass.ipc.pubsub", ["aws.greengrass#PublishToTopic", "aws.greengrass#SubscribeToTopic"], resources);

    private static async Task<JsonNode> CallAsync(RawPeer peer, string operation, string json, int streamId = 1)
    {
        await peer.SendAsync(RawPeer.Request(streamId, operation, json));
        var answer = await peer.ReceiveAsync();
        RpcHeaders.TryReadMetadata(answer!, out var type, out _, out _);
        Assert.Equal(RpcMessageType.ApplicationError, type);
        return JsonNode.Parse(answer!.Payload.Span)!;
    }
}
