using System.Text;
using EdgeInference.Greengrass.Emulator.Tests.Fakes;
using EdgeInference.Greengrass.Ipc;
using EdgeInference.Greengrass.Ipc.Model;
using EdgeInference.Testing;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Integration;

/// <summary>PublishToIoTCore/SubscribeToIoTCore bridged to a real mosquitto started on a free loopback port.</summary>
public sealed class IoTCoreBridgeTests
{
    private const string MqttProxy = "aws.greengrass.ipc.mqttproxy";
    private static readonly string[] BothOperations = ["aws.greengrass#PublishToIoTCore", "aws.greengrass#SubscribeToIoTCore"];

    [Fact]
    public async Task SubscribeToIoTCore_BrokerMessageWithMqtt5Properties_ArrivesAsIoTCoreMessage()
    {
        await using var broker = await StartBrokerAsync();
        await using var harness = await EmulatorHarness.StartAsync(o => (o.MqttHost, o.MqttPort) = ("127.0.0.1", broker.Port));
        var client = await harness.ConnectAsync("com.example.A", EmulatorHarness.Policy("com.example.A", MqttProxy, BothOperations, "devices/+/commands"));
        var token = TestContext.Current.CancellationToken;
        await using var subscription = await client.SubscribeToIoTCoreAsync("devices/+/commands", QualityOfService.AtLeastOnce, token);
        using var external = await ConnectExternalAsync(broker.Port);

        var message = new MqttApplicationMessageBuilder()
            .WithTopic("devices/test-core/commands")
            .WithPayload("start"u8.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithResponseTopic("devices/test-core/replies")
            .WithCorrelationData([7, 8, 9])
            .WithContentType("text/plain")
            .WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
            .WithMessageExpiryInterval(60)
            .WithUserProperty("trace", Encoding.UTF8.GetBytes("abc").AsMemory())
            .Build();
        await external.PublishAsync(message, token);
        var received = (await Bounded.ReadAsync(subscription.Events)).Message!;

        Assert.Equal("devices/test-core/commands", received.TopicName);
        Assert.Equal("start"u8.ToArray(), received.Payload);
        Assert.Equal("devices/test-core/replies", received.ResponseTopic);
        Assert.Equal(new byte[] { 7, 8, 9 }, received.CorrelationData);
        Assert.Equal("text/plain", received.ContentType);
        Assert.Equal(PayloadFormat.Utf8, received.PayloadFormat);
        Assert.InRange(received.MessageExpiryIntervalSeconds!.Value, 1, 60);
        Assert.Equal(("trace", "abc"), (received.UserProperties!.Single().Key, received.UserProperties!.Single().Value));
    }

    [Fact]
    public async Task PublishToIoTCore_Mqtt5Fields_ReachAnExternalSubscriber()
    {
        await using var broker = await StartBrokerAsync();
        await using var harness = await EmulatorHarness.StartAsync(o => (o.MqttHost, o.MqttPort) = ("127.0.0.1", broker.Port));
        var client = await harness.ConnectAsync("com.example.A", EmulatorHarness.Policy("com.example.A", MqttProxy, BothOperations, "telemetry/test-core/#"));
        var token = TestContext.Current.CancellationToken;
        await using var external = await TestMqttClient.ConnectAsync(broker.Port, cancellationToken: token);
        await external.SubscribeAsync("telemetry/#", token);

        await client.PublishToIoTCoreAsync(
            new PublishToIoTCoreRequest
            {
                TopicName = "telemetry/test-core/result",
                Qos = QualityOfService.AtLeastOnce,
                Payload = """{"ok":true}"""u8.ToArray(),
                UserProperties = [new UserProperty { Key = "model", Value = "resnet18" }],
                CorrelationData = [1, 2, 3],
                ResponseTopic = "telemetry/test-core/ack",
                ContentType = "application/json",
                PayloadFormat = PayloadFormat.Utf8,
                MessageExpiryIntervalSeconds = 30,
            },
            token);
        var message = await external.WaitAsync(m => m.Topic == "telemetry/test-core/result", TimeSpan.FromSeconds(10), token);

        Assert.Equal("""{"ok":true}""", TestMqttClient.Text(message));
        Assert.Equal(new byte[] { 1, 2, 3 }, message.CorrelationData);
        Assert.Equal("telemetry/test-core/ack", message.ResponseTopic);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal(MqttPayloadFormatIndicator.CharacterData, message.PayloadFormatIndicator);
        Assert.Equal("resnet18", message.UserProperties.Single(p => p.Name == "model").ReadValueAsString());
    }

    [Fact]
    public async Task IoTCoreOperations_TopicOutsidePolicy_ThrowNotAuthorized()
    {
        await using var broker = await StartBrokerAsync();
        await using var harness = await EmulatorHarness.StartAsync(o => (o.MqttHost, o.MqttPort) = ("127.0.0.1", broker.Port));
        var client = await harness.ConnectAsync("com.example.A", EmulatorHarness.Policy("com.example.A", MqttProxy, ["aws.greengrass#PublishToIoTCore"], "allowed/+"));
        var token = TestContext.Current.CancellationToken;

        var publish = await Assert.ThrowsAsync<UnauthorizedErrorException>(() => client.PublishToIoTCoreAsync(
            new PublishToIoTCoreRequest { TopicName = "allowed/a/b", Qos = QualityOfService.AtMostOnce, Payload = [1] }, token));
        var subscribe = await Assert.ThrowsAsync<UnauthorizedErrorException>(() => client.SubscribeToIoTCoreAsync("allowed/a", cancellationToken: token));
        await client.PublishToIoTCoreAsync(new PublishToIoTCoreRequest { TopicName = "allowed/a", Qos = QualityOfService.AtMostOnce, Payload = [1] }, token);

        Assert.Equal("Not Authorized", publish.ServiceMessage);
        Assert.Equal("Not Authorized", subscribe.ServiceMessage);
    }

    [Fact]
    public async Task PublishToIoTCore_NoBrokerConfigured_ThrowsServiceError()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = await harness.ConnectAsync("com.example.A", EmulatorHarness.Policy("com.example.A", MqttProxy, ["*"], "*"));

        var error = await Assert.ThrowsAsync<ServiceErrorException>(() => client.PublishToIoTCoreAsync(
            new PublishToIoTCoreRequest { TopicName = "a/b", Qos = QualityOfService.AtMostOnce, Payload = [1] }, TestContext.Current.CancellationToken));

        Assert.StartsWith("Publish to topic a/b failed: ", error.ServiceMessage, StringComparison.Ordinal);
    }

    private static async Task<MosquittoBroker> StartBrokerAsync()
    {
        if (!MosquittoBroker.IsInstalled)
        {
            Assert.Skip("mosquitto is not installed (tests/run.sh installs it).");
        }

        return await MosquittoBroker.StartAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<IMqttClient> ConnectExternalAsync(int port)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(
            new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId($"ext-{Guid.NewGuid():N}").Build(),
            TestContext.Current.CancellationToken);
        return client;
    }
}
