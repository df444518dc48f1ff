using System.Text;
using System.Text.Json;
using EdgeInference.Core.Results;
using EdgeInference.Greengrass.Emulator;
using EdgeInference.Testing;
using EdgeInference.Worker.Heads.Ipc;
using EdgeInference.Worker.Tests.Fixtures;
using Xunit;
using static EdgeInference.Worker.Tests.Fixtures.IpcHarness;

namespace EdgeInference.Worker.Tests.Heads.Ipc;

/// <summary>The IPC head on local pub/sub, against the nucleus emulator, driven by another component's .NET IPC client.</summary>
public sealed class IpcHeadTests
{
    [Fact]
    public async Task Request_BinaryAndJsonOnLocalTopic_ResultOnResultTopicAndOnReplyTo()
    {
        await using var harness = await IpcHarness.StartAsync();
        await using var worker = await harness.StartWorkerAsync(WorkerConfiguration(TestModels.ColorClassifier));
        var camera = await harness.ConnectCameraAsync();
        await using var results = await camera.SubscribeToTopicAsync(ResultTopic, cancellationToken: Token);
        await using var replies = await camera.SubscribeToTopicAsync("camera/replies", cancellationToken: Token);

        await camera.PublishToTopicAsync(RequestTopic, TestImages.Solid(24, 24, (0, 200, 0), ".jpg"), Token);
        var result = await NextJsonAsync(results);

        Assert.Equal("green", result.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        Assert.Equal("com.example.ColorClassifier", result.GetProperty("Model").GetProperty("ComponentName").GetString());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("RequestId").GetString()));

        await camera.PublishToTopicAsync(RequestTopic, JsonRequest("cam-7", TestImages.Solid(16, 16, (0, 0, 250)), "camera/replies"), Token);
        var reply = await NextJsonAsync(replies);
        Assert.Equal("cam-7", reply.GetProperty("RequestId").GetString());
        Assert.Equal("blue", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());

        // JSON bytes in a binaryMessage work too; a ReplyTo naming the request topic is never honoured: the request is
        // refused (InvalidRequest, on the result topic) rather than answered somewhere it would come back as a request.
        var asBytes = Encoding.UTF8.GetBytes(JsonRequest("cam-8", TestImages.Solid(16, 16, (250, 0, 0)), RequestTopic).ToJsonString());
        await camera.PublishToTopicAsync(RequestTopic, asBytes, Token);
        var fallback = await NextJsonAsync(results, r => r.GetProperty("RequestId").GetString() == "cam-8");
        Assert.Equal("InvalidRequest", fallback.GetProperty("Error").GetProperty("Code").GetString());
        Assert.Contains(RequestTopic, fallback.GetProperty("Error").GetProperty("Message").GetString(), StringComparison.Ordinal);
        await camera.PublishToTopicAsync(RequestTopic, TestImages.Solid(16, 16, (250, 0, 0)), Token);
        Assert.Equal("red", (await NextJsonAsync(results)).GetProperty("Classifications")[0].GetProperty("Label").GetString());
    }

    [Fact]
    public async Task BadInputs_EachGetsItsCodedError_AndTheNextValidRequestIsServed()
    {
        await using var harness = await IpcHarness.StartAsync();
        await using var worker = await harness.StartWorkerAsync(WorkerConfiguration(TestModels.ColorClassifier), overrides: new Dictionary<string, string?> { ["Limits:MaxPayloadBytes"] = "200000" });
        var camera = await harness.ConnectCameraAsync();
        await using var results = await camera.SubscribeToTopicAsync(ResultTopic, cancellationToken: Token);
        var jpeg = TestImages.PhotoLikeJpeg(320, 240);
        var random = new byte[5000];
        new Random(7).NextBytes(random);
        var big = new byte[300_000];
        new Random(8).NextBytes(big);
        (byte[] Payload, string Code)[] binary =
        [
            (jpeg[..(jpeg.Length / 2)], ErrorCodes.InvalidImage),
            (random, ErrorCodes.InvalidImage),
            (TestImages.PngHeaderClaiming(50000, 50000), ErrorCodes.InvalidImage),
            (TestImages.TiffHeaderClaiming(16000, 16000), ErrorCodes.InvalidImage),
            (big, ErrorCodes.PayloadTooLarge),
            ("{\"RequestId\": \"bad-json\", \"Image\": "u8.ToArray(), ErrorCodes.InvalidRequest),
            ("{\"RequestId\": \"bad-b64\", \"Image\": \"***\"}"u8.ToArray(), ErrorCodes.InvalidRequest),
        ];

        foreach (var (payload, code) in binary)
        {
            await camera.PublishToTopicAsync(RequestTopic, payload, Token);
            var reply = await NextJsonAsync(results);
            Assert.True(reply.TryGetProperty("Error", out var error), $"expected {code}, got {reply}");
            Assert.Equal(code, error.GetProperty("Code").GetString());
        }

        await camera.PublishToTopicAsync(RequestTopic, new System.Text.Json.Nodes.JsonObject { ["RequestId"] = "no-image" }, Token);
        var noImage = await NextJsonAsync(results);
        Assert.Equal("no-image", noImage.GetProperty("RequestId").GetString());
        Assert.Equal(ErrorCodes.InvalidRequest, noImage.GetProperty("Error").GetProperty("Code").GetString());

        await camera.PublishToTopicAsync(RequestTopic, TestImages.Solid(32, 32, (255, 0, 0)), Token);
        var good = await NextJsonAsync(results);
        Assert.Equal("red", good.GetProperty("Classifications")[0].GetProperty("Label").GetString());
    }

    [Fact]
    public async Task Describe_OnDescribeTopic_RepliesOnDescribeReplyOrReplyTo_WithTransportIpc()
    {
        await using var harness = await IpcHarness.StartAsync();
        await using var worker = await harness.StartWorkerAsync(WorkerConfiguration(TestModels.GreyAnomaly));
        var camera = await harness.ConnectCameraAsync();
        await using var describeReplies = await camera.SubscribeToTopicAsync(DescribeTopic + "/reply", cancellationToken: Token);
        await using var replies = await camera.SubscribeToTopicAsync("camera/describe", cancellationToken: Token);

        await camera.PublishToTopicAsync(DescribeTopic, new System.Text.Json.Nodes.JsonObject { ["RequestId"] = "d-1" }, Token);
        var describe = await NextJsonAsync(describeReplies);
        await camera.PublishToTopicAsync(DescribeTopic, new System.Text.Json.Nodes.JsonObject { ["RequestId"] = "d-2", ["ReplyTo"] = "camera/describe" }, Token);
        var toReplyTo = await NextJsonAsync(replies);

        Assert.Equal("d-1", describe.GetProperty("RequestId").GetString());
        var runtime = describe.GetProperty("Runtime");
        Assert.Equal("ipc", runtime.GetProperty("Transport").GetString());
        Assert.Equal("RUNNING", runtime.GetProperty("Status").GetString());
        Assert.Equal("grey-anomaly", runtime.GetProperty("Model").GetProperty("Name").GetString());
        Assert.Equal(JsonValueKind.Object, describe.GetProperty("ModelPackagingDescription").ValueKind);
        Assert.Equal("d-2", toReplyTo.GetProperty("RequestId").GetString());
    }

    [Fact]
    public async Task Startup_StatusAndUpdateState_StartingFirstRunningOnlyAfterWarmupAndSubscribe()
    {
        await using var harness = await IpcHarness.StartAsync();
        var camera = await harness.ConnectCameraAsync();
        await using var status = await camera.SubscribeToTopicAsync(StatusTopic, cancellationToken: Token);

        await using var worker = await harness.StartWorkerAsync(WorkerConfiguration(TestModels.ColorClassifier));
        var starting = await NextJsonAsync(status);
        var running = await NextJsonAsync(status);
        await harness.Emulator.WaitForStateAsync(WorkerComponent, ComponentLifecycleState.Running, Token);

        Assert.Equal("STARTING", starting.GetProperty("Status").GetString());
        Assert.Equal("RUNNING", running.GetProperty("Status").GetString());
        Assert.Equal("CPUExecutionProvider", running.GetProperty("ExecutionProvider").GetString());
        var calls = harness.Emulator.Calls.Where(c => c.ComponentName == WorkerComponent).Select(c => c.Operation).ToList();
        var firstPublish = calls.IndexOf("aws.greengrass#PublishToTopic");
        var subscribe = calls.IndexOf("aws.greengrass#SubscribeToTopic");
        var updateState = calls.IndexOf("aws.greengrass#UpdateState");
        Assert.True(firstPublish >= 0 && subscribe > firstPublish && updateState > subscribe, $"calls in order: {string.Join(", ", calls)}");
        Assert.Single(harness.Emulator.StateChanges, c => c.ComponentName == WorkerComponent && c.Source == StateChangeSource.UpdateState);

        await worker.StopAsync(Token);
        var stopping = await NextJsonAsync(status);
        Assert.Equal("STOPPING", stopping.GetProperty("Status").GetString());
    }

    [Fact]
    public async Task Startup_PolicyWithoutSubscribe_FailsNamingAccessControl_AndReportsErrored()
    {
        await using var harness = await IpcHarness.StartAsync();
        var publishOnly = new System.Text.Json.Nodes.JsonObject
        {
            ["aws.greengrass.ipc.pubsub"] = new System.Text.Json.Nodes.JsonObject
            {
                ["p:1"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["operations"] = new System.Text.Json.Nodes.JsonArray("aws.greengrass#PublishToTopic"),
                    ["resources"] = new System.Text.Json.Nodes.JsonArray("edge-inference/*"),
                },
            },
        };

        var failure = await Assert.ThrowsAsync<IpcHeadException>(() => harness.StartWorkerAsync(WorkerConfiguration(TestModels.ColorClassifier, accessControl: publishOnly)));

        Assert.Contains("accessControl", failure.Message, StringComparison.Ordinal);
        Assert.Contains("UnauthorizedError", failure.Message, StringComparison.Ordinal);
        Assert.Contains(harness.Emulator.Calls, c => c.ComponentName == WorkerComponent && c.Operation == "aws.greengrass#SubscribeToTopic" && c.ErrorCode == "UnauthorizedError");
        Assert.Equal(ComponentLifecycleState.Errored, harness.Emulator.GetState(WorkerComponent));
    }

    [Fact]
    public async Task DroppedSocket_WorkerReconnectsResubscribesAndServesAgain()
    {
        await using var harness = await IpcHarness.StartAsync();
        await using var relay = UnixSocketRelay.Start(Path.Combine(harness.Folder, "relay.socket"), harness.Emulator.SocketPath);
        await using var worker = await harness.StartWorkerAsync(WorkerConfiguration(TestModels.ColorClassifier), socketPath: relay.Path);
        var camera = await harness.ConnectCameraAsync();
        await using var results = await camera.SubscribeToTopicAsync(ResultTopic, cancellationToken: Token);
        await camera.PublishToTopicAsync(RequestTopic, JsonRequest("before", TestImages.Solid(16, 16, (255, 0, 0))), Token);
        Assert.Equal("before", (await NextJsonAsync(results)).GetProperty("RequestId").GetString());
        var connectionsBefore = relay.Accepted;

        relay.DropConnections();

        // Bounded: retry until the worker is back (resubscribed), at most 40 × 250 ms.
        JsonElement? after = null;
        for (var attempt = 0; attempt < 40 && after is null; attempt++)
        {
            await camera.PublishToTopicAsync(RequestTopic, JsonRequest($"after-{attempt}", TestImages.Solid(16, 16, (0, 0, 255))), Token);
            try
            {
                after = await NextJsonAsync(results, timeout: TimeSpan.FromMilliseconds(250));
            }
            catch (OperationCanceledException) when (!Token.IsCancellationRequested)
            {
            }
        }

        Assert.NotNull(after);
        Assert.StartsWith("after-", after.Value.GetProperty("RequestId").GetString(), StringComparison.Ordinal);
        Assert.Equal("blue", after.Value.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        Assert.True(relay.Accepted > connectionsBefore, "the worker did not open a new connection");
    }
}
