using System.Text;
using System.Text.Json;
using EdgeInference.Core.Results;
using EdgeInference.Testing;
using EdgeInference.Worker.Tests.Fakes;
using EdgeInference.Worker.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet.Formatter;
using Xunit;

namespace EdgeInference.Worker.Tests.Heads;

/// <summary>The MQTT head on the embedded MQTTnet broker, driven only over MQTT.</summary>
public sealed class MqttHeadTests
{
    private const string RequestTopic = "edge-inference/test/infer";
    private const string ResultTopic = "edge-inference/test/result";
    private const string DescribeTopic = "edge-inference/test/describe";
    private const string StatusTopic = "edge-inference/test/status";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Request_Mqtt5WithResponseTopic_RepliesThereWithCorrelationAndProvenance()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?>(), Token);
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);

        var reply = await client.RequestAsync(RequestTopic, TestImages.Solid(40, 40, (0, 200, 0), ".jpg"), Token);

        Assert.Equal("green", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        var model = reply.GetProperty("Model");
        Assert.Equal("arn:aws:greengrass:us-east-1:123456789012:components:com.example.ColorClassifier:versions:1.0.0", model.GetProperty("ComponentVersionArn").GetString());
        Assert.Equal("com.example.ColorClassifier", model.GetProperty("ComponentName").GetString());
        Assert.Equal(64, model.GetProperty("Sha256").GetString()!.Length);
        Assert.Equal("CPUExecutionProvider", reply.GetProperty("ExecutionProvider").GetString());
        Assert.True(reply.GetProperty("Timings").GetProperty("TotalMs").GetDouble() > 0);
        Assert.False(string.IsNullOrEmpty(reply.GetProperty("RequestId").GetString()));
    }

    [Fact]
    public async Task Request_Mqtt311RawImage_RepliesOnResultTopic()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?>(), Token);
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, MqttProtocolVersion.V311, Token);
        await client.SubscribeAsync(ResultTopic, Token);

        await client.PublishAsync(RequestTopic, TestImages.Solid(20, 20, (255, 0, 0)), cancellationToken: Token);

        var reply = TestMqttClient.Json(await client.WaitAsync(m => m.Topic == ResultTopic, cancellationToken: Token));
        Assert.Equal("red", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        Assert.False(string.IsNullOrEmpty(reply.GetProperty("RequestId").GetString()));
    }

    [Fact]
    public async Task Request_JsonWithRequestId_ResultCarriesTheId()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?>(), Token);
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);

        var payload = JsonSerializer.SerializeToUtf8Bytes(new { RequestId = "order-42", Image = Convert.ToBase64String(TestImages.Solid(16, 16, (0, 0, 250))) });
        var reply = await client.RequestAsync(RequestTopic, payload, Token);

        Assert.Equal("order-42", reply.GetProperty("RequestId").GetString());
        Assert.Equal("blue", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
    }

    private static readonly (string Name, string Code)[] BadInputs =
    [
        ("zero bytes", ErrorCodes.InvalidImage),
        ("truncated JPEG", ErrorCodes.InvalidImage),
        ("random bytes", ErrorCodes.InvalidImage),
        ("PNG claiming 50000x50000", ErrorCodes.InvalidImage),
        ("TIFF claiming 16000x16000", ErrorCodes.InvalidImage),
        ("SVG", ErrorCodes.InvalidImage),
        ("payload over the limit", ErrorCodes.PayloadTooLarge),
        ("invalid JSON", ErrorCodes.InvalidRequest),
        ("bad base64", ErrorCodes.InvalidRequest),
        ("JSON without an image", ErrorCodes.InvalidRequest),
    ];

    [Fact]
    public async Task BadInputs_EachGetsItsCodedError_AndTheNextValidRequestIsServed()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?> { ["Limits:MaxPayloadBytes"] = "200000" }, Token);
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);
        var jpeg = TestImages.PhotoLikeJpeg(320, 240);
        var payloads = new Dictionary<string, byte[]>
        {
            ["zero bytes"] = [],
            ["truncated JPEG"] = jpeg[..(jpeg.Length / 2)],
            ["random bytes"] = RandomBytes(5000),
            ["PNG claiming 50000x50000"] = TestImages.PngHeaderClaiming(50000, 50000),
            ["TIFF claiming 16000x16000"] = TestImages.TiffHeaderClaiming(16000, 16000),
            ["SVG"] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"9000\" height=\"9000\"/>"u8.ToArray(),
            ["payload over the limit"] = RandomBytes(230_000), // within the broker's packet limit (limit + 64 KB of headers): answered PayloadTooLarge
            ["invalid JSON"] = "{\"RequestId\": \"bad-json\", \"Image\": "u8.ToArray(),
            ["bad base64"] = "{\"RequestId\": \"bad-b64\", \"Image\": \"***not base64***\"}"u8.ToArray(),
            ["JSON without an image"] = "{\"RequestId\": \"no-image\"}"u8.ToArray(),
        };

        foreach (var (name, expectedCode) in BadInputs)
        {
            var reply = await client.RequestAsync(RequestTopic, payloads[name], Token);
            Assert.True(reply.TryGetProperty("Error", out var error), $"{name}: expected an error, got {reply}");
            Assert.Equal(expectedCode, error.GetProperty("Code").GetString());
            Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("Message").GetString()), name);
        }

        var good = await client.RequestAsync(RequestTopic, TestImages.Solid(32, 32, (255, 0, 0)), Token);
        Assert.Equal("red", good.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        var describe = await client.RequestAsync(DescribeTopic, "{}"u8.ToArray(), Token);
        var counters = describe.GetProperty("Runtime").GetProperty("Counters");
        Assert.Equal(1, counters.GetProperty("Served").GetInt64());
        Assert.Equal(payloads.Count, counters.GetProperty("Failed").GetInt64());
    }

    [Fact]
    public async Task BadInput_ErrorNamesTheLimitAndKeepsTheRequestId()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?>(), Token);
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);

        var payload = JsonSerializer.SerializeToUtf8Bytes(new { RequestId = "huge-1", Image = Convert.ToBase64String(TestImages.PngHeaderClaiming(50000, 50000)) });
        var reply = await client.RequestAsync(RequestTopic, payload, Token);

        Assert.Equal("huge-1", reply.GetProperty("RequestId").GetString());
        Assert.Contains("Limits:MaxImagePixels", reply.GetProperty("Error").GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_ReturnsPackagingDescriptionAndRuntime()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?> { ["Model:Accelerator"] = "auto" }, Token);
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);

        var reply = await client.RequestAsync(DescribeTopic, "{\"RequestId\":\"d1\"}"u8.ToArray(), Token);

        Assert.Equal("d1", reply.GetProperty("RequestId").GetString());
        var description = reply.GetProperty("ModelPackagingDescription");
        Assert.Equal("color-classifier-job-1", description.GetProperty("JobName").GetString());
        Assert.Equal("SUCCEEDED", description.GetProperty("Status").GetString());
        Assert.Equal(1764201660.5, description.GetProperty("LastUpdatedTimestamp").GetDouble());
        Assert.Equal("X86_64", description.GetProperty("ModelPackagingConfiguration").GetProperty("Greengrass").GetProperty("TargetPlatform").GetProperty("Arch").GetString());
        var runtime = reply.GetProperty("Runtime");
        Assert.Equal("RUNNING", runtime.GetProperty("Status").GetString());
        Assert.Equal("auto", runtime.GetProperty("RequestedAccelerator").GetString());
        Assert.Equal("CPUExecutionProvider", runtime.GetProperty("ExecutionProvider").GetString());
        Assert.Contains("CUDA", runtime.GetProperty("FallbackReason").GetString(), StringComparison.Ordinal);
        Assert.Equal("classification", runtime.GetProperty("Model").GetProperty("Task").GetString());
        Assert.Equal("image", runtime.GetProperty("Model").GetProperty("Inputs")[0].GetProperty("Name").GetString());
        Assert.Equal("mqtt", runtime.GetProperty("Transport").GetString());
    }

    [Fact]
    public async Task Describe_MoreRunsThanCores_GivesTheConfiguredAndTheEffectiveRuns()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?> { ["Limits:MaxConcurrentRuns"] = "64" }, Token);
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);

        var limits = (await client.RequestAsync(DescribeTopic, "{}"u8.ToArray(), Token)).GetProperty("Runtime").GetProperty("Limits");

        Assert.Equal(64, limits.GetProperty("MaxConcurrentRuns").GetInt32());
        Assert.Equal(Math.Min(64, Environment.ProcessorCount), limits.GetProperty("EffectiveMaxConcurrentRuns").GetInt32());
    }

    [Fact]
    public async Task Describe_WithoutResponseTopic_RepliesOnDescribeReplyTopic()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?>(), Token);
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, MqttProtocolVersion.V311, Token);
        await client.SubscribeAsync(DescribeTopic + "/reply", Token);

        await client.PublishAsync(DescribeTopic, [], cancellationToken: Token);

        var reply = TestMqttClient.Json(await client.WaitAsync(m => m.Topic == DescribeTopic + "/reply", cancellationToken: Token));
        Assert.Equal("color-classifier-job-1", reply.GetProperty("ModelPackagingDescription").GetProperty("JobName").GetString());
    }

    [Fact]
    public async Task Status_IsRetainedRunning_WithProviderFallbackAndProvenance()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?> { ["Model:Accelerator"] = "auto" }, Token);
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);

        await client.SubscribeAsync(StatusTopic, Token);

        var status = TestMqttClient.Json(await client.WaitAsync(m => m.Topic == StatusTopic && m.Retain, cancellationToken: Token));
        Assert.Equal("RUNNING", status.GetProperty("Status").GetString());
        Assert.StartsWith("Serving ", status.GetProperty("StatusMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal("CPUExecutionProvider", status.GetProperty("ExecutionProvider").GetString());
        Assert.Contains("CUDA", status.GetProperty("FallbackReason").GetString(), StringComparison.Ordinal);
        Assert.Equal("test", status.GetProperty("ThingName").GetString());
        Assert.Equal("com.example.ColorClassifier", status.GetProperty("Model").GetProperty("ComponentName").GetString());
    }

    [Fact]
    public async Task Burst_OverCapacity_AnswersBusyAtOnce_AndEveryRequestGetsOneReply()
    {
        await using var worker = await InProcessWorker.StartAsync(
            new Dictionary<string, string?> { ["Model:Path"] = TestModels.ResNet18Sample, ["Limits:MaxConcurrentRequests"] = "1", ["Limits:MaxQueue"] = "1" },
            Token);
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);
        await client.SubscribeAsync(ResultTopic, Token);
        var jpeg = TestImages.PhotoLikeJpeg();
        const int Count = 12;

        for (var i = 0; i < Count; i++)
        {
            await client.PublishAsync(RequestTopic, JsonSerializer.SerializeToUtf8Bytes(new { RequestId = $"burst-{i}", Image = Convert.ToBase64String(jpeg) }), cancellationToken: Token);
        }

        var replies = new List<JsonElement>();
        for (var i = 0; i < Count; i++)
        {
            replies.Add(TestMqttClient.Json(await client.WaitAsync(m => m.Topic == ResultTopic, cancellationToken: Token)));
        }

        Assert.Equal(Count, replies.Select(r => r.GetProperty("RequestId").GetString()).Distinct().Count());
        var busy = replies.Count(r => r.TryGetProperty("Error", out var e) && e.GetProperty("Code").GetString() == ErrorCodes.Busy);
        var served = replies.Count(r => r.TryGetProperty("Embedding", out _));
        Assert.True(busy > 0, "expected some Busy replies");
        Assert.True(served >= 2, $"expected at least the running and the queued request to be served, got {served}");
        Assert.Equal(Count, busy + served);
    }

    [Fact]
    public async Task Stop_WithAcceptedRequests_FinishesThemAfterSayingStopping()
    {
        // Runs wait at a gate the test opens, so requests are provably accepted and unfinished when the stop begins.
        using var gate = new SemaphoreSlim(0);
        var package = FakeEngineLoader.Package(Directory.CreateTempSubdirectory("ei-gated-").FullName, "gated", label: "done");
        var worker = await InProcessWorker.StartAsync(
            new Dictionary<string, string?> { ["Model:Path"] = package, ["Limits:MaxConcurrentRequests"] = "1", ["Limits:MaxQueue"] = "10" },
            Token,
            configureServices: services => services.AddSingleton<EdgeInference.Core.Inference.IInferenceEngineLoader>(new FakeEngineLoader(gate)));
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);
        await client.SubscribeAsync(ResultTopic, Token);
        await client.SubscribeAsync(StatusTopic, Token);
        const int Count = 5;
        for (var i = 0; i < Count; i++)
        {
            await client.PublishAsync(RequestTopic, [1, 2, 3], cancellationToken: Token);
        }

        var queue = (EdgeInference.Worker.Requests.RequestQueue)worker.Services.GetService(typeof(EdgeInference.Worker.Requests.RequestQueue))!;
        for (var i = 0; i < 400 && queue.Pending < Count; i++)
        {
            await Task.Delay(25, Token);
        }

        Assert.Equal(Count, queue.Pending);
        var stopping = worker.StopAsync(Token);
        var stoppingStatus = await client.WaitAsync(m => m.Topic == StatusTopic && TestMqttClient.Text(m).Contains("STOPPING", StringComparison.Ordinal), cancellationToken: Token);
        Assert.False(stopping.IsCompleted);
        gate.Release(Count);
        var results = 0;
        while (results < Count)
        {
            var reply = TestMqttClient.Json(await client.WaitAsync(m => m.Topic == ResultTopic, cancellationToken: Token));
            Assert.Equal("done", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
            results++;
        }

        await stopping;
        await worker.DisposeAsync();
        Assert.NotNull(stoppingStatus);
        Assert.Equal(Count, results);
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0x42;
        return bytes;
    }
}
