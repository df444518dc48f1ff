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

    [Fact]
    public async Task TargetBoth_ACameraComponentAndABrokerClient_EachGetTheirAnswerOnTheirSide()
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
        await using var worker = await harness.StartWorkerAsync(WorkerConfiguration(TestModels.ColorClassifier, target: "both"));
        var camera = await harness.ConnectCameraAsync();
        await using var cameraReplies = await camera.SubscribeToTopicAsync("camera/replies", cancellationToken: Token);
        await using var client = await TestMqttClient.ConnectAsync(broker.Port, cancellationToken: Token);

        await camera.PublishToTopicAsync(RequestTopic, JsonRequest("from-camera", TestImages.Solid(16, 16, (0, 200, 0)), "camera/replies"), Token);
        var local = await NextJsonAsync(cameraReplies);
        var cloud = await RequestOnceIoTCoreJoinedAsync(client, TestImages.Solid(16, 16, (0, 0, 250)));

        Assert.Equal(("from-camera", "green"), (local.GetProperty("RequestId").GetString(), local.GetProperty("Classifications")[0].GetProperty("Label").GetString()));
        Assert.Equal("blue", cloud.GetProperty("Classifications")[0].GetProperty("Label").GetString());
    }

    /// <summary>
    /// With Ipc:Target both, IoT Core joins in the background after RUNNING ("IoT Core joins when it can"): a broker
    /// request sent before the worker's SubscribeToIoTCore is answered reaches no subscriber. Asks again until it has.
    /// </summary>
    private static async Task<System.Text.Json.JsonElement> RequestOnceIoTCoreJoinedAsync(TestMqttClient client, byte[] image)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await client.RequestAsync(RequestTopic, image, Token, TimeSpan.FromSeconds(2));
            }
            catch (TimeoutException) when (attempt < 10)
            {
            }
        }
    }

    [Fact]
    public async Task TargetLocal_ABrokerClientAsks_GetsAnErrorSayingIpcTargetIsLocal_NotSilence()
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
        await using var worker = await harness.StartWorkerAsync(WorkerConfiguration(TestModels.ColorClassifier, target: "local"));
        await using var client = await TestMqttClient.ConnectAsync(broker.Port, cancellationToken: Token);

        var reply = await client.RequestAsync(RequestTopic, TestImages.Solid(16, 16, (0, 0, 250)), Token);

        Assert.Equal("InvalidRequest", reply.GetProperty("Error").GetProperty("Code").GetString());
        Assert.Contains("Ipc:Target is local", reply.GetProperty("Error").GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplyToNotAllowedByAccessControl_TheRequesterIsToldOnTheResultTopic()
    {
        await using var harness = await IpcHarness.StartAsync();
        await using var worker = await harness.StartWorkerAsync(WorkerConfiguration(TestModels.ColorClassifier, accessControl: Policies(WorkerComponent, "edge-inference/*")));
        var camera = await harness.ConnectCameraAsync();
        await using var results = await camera.SubscribeToTopicAsync(ResultTopic, cancellationToken: Token);

        await camera.PublishToTopicAsync(RequestTopic, JsonRequest("cam-9", TestImages.Solid(16, 16, (0, 200, 0)), "camera/replies"), Token);
        var told = await NextJsonAsync(results);

        Assert.Equal("cam-9", told.GetProperty("RequestId").GetString());
        Assert.Equal("InvalidRequest", told.GetProperty("Error").GetProperty("Code").GetString());
        Assert.Contains("not allowed by the worker's accessControl", told.GetProperty("Error").GetProperty("Message").GetString(), StringComparison.Ordinal);
        Assert.Contains("camera/replies", told.GetProperty("Error").GetProperty("Message").GetString(), StringComparison.Ordinal);
    }
}
