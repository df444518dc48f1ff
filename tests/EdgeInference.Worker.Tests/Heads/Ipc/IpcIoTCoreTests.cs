using System.Text;
using EdgeInference.Testing;
using EdgeInference.Worker.Tests.Fixtures;
using Xunit;
using static EdgeInference.Worker.Tests.Fixtures.IpcHarness;

namespace EdgeInference.Worker.Tests.Heads.Ipc;

/// <summary>Ipc:Target=iotcore: the emulator bridges IoT Core to a real mosquitto, and a plain MQTT 5 client asks.</summary>
public sealed class IpcIoTCoreTests
{
    [Fact]
    public async Task Request_Mqtt5WithResponseTopicThroughTheNucleus_ReplyThereWithCorrelation_AndRetainedStatus()
    {
        if (!MosquittoBroker.IsInstalled)
        {
            Assert.Skip("mosquitto is not installed (tests/run.sh installs it).");
        }

        await using var broker = await MosquittoBroker.StartAsync(Token);
        await using var harness = await IpcHarness.StartAsync(o =>
        {
            o.MqttHost = "127.0.0.1";
            o.MqttPort = broker.Port;
        });
        await using var worker = await harness.StartWorkerAsync(WorkerConfiguration(TestModels.ColorClassifier, target: "iotcore"));
        await using var client = await TestMqttClient.ConnectAsync(broker.Port, cancellationToken: Token);

        var reply = await client.RequestAsync(RequestTopic, TestImages.Solid(24, 24, (250, 0, 0), ".jpg"), Token);

        Assert.Equal("red", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        Assert.Equal("com.example.ColorClassifier", reply.GetProperty("Model").GetProperty("ComponentName").GetString());

        // No response topic: the reply goes to Topics:Result.
        await client.SubscribeAsync(ResultTopic, Token);
        await client.PublishAsync(RequestTopic, Encoding.UTF8.GetBytes(JsonRequest("plain-1", TestImages.Solid(16, 16, (0, 0, 250))).ToJsonString()), cancellationToken: Token);
        var result = TestMqttClient.Json(await client.WaitAsync(m => m.Topic == ResultTopic, cancellationToken: Token));
        Assert.Equal("plain-1", result.GetProperty("RequestId").GetString());

        // The status is retained on the broker: a late subscriber still reads RUNNING.
        await using var late = await TestMqttClient.ConnectAsync(broker.Port, cancellationToken: Token);
        await late.SubscribeAsync(StatusTopic, Token);
        var status = await late.WaitAsync(m => m.Topic == StatusTopic, cancellationToken: Token);
        Assert.True(status.Retain);
        Assert.Equal("RUNNING", TestMqttClient.Json(status).GetProperty("Status").GetString());
    }
}
