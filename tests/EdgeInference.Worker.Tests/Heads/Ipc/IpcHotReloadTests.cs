using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Testing;
using EdgeInference.Worker.Tests.Fixtures;
using Xunit;
using static EdgeInference.Worker.Tests.Fixtures.IpcHarness;

namespace EdgeInference.Worker.Tests.Heads.Ipc;

/// <summary>Configuration updates from the nucleus swap the served model while requests keep flowing.</summary>
public sealed class IpcHotReloadTests
{
    [Fact]
    public async Task ConfigurationUpdate_NewModelPath_SwapsWithoutDroppingRequests_AndDescribeShowsTheNewModel()
    {
        await using var harness = await IpcHarness.StartAsync();
        await using var worker = await harness.StartWorkerAsync(WorkerConfiguration(TestModels.ColorClassifier));
        var camera = await harness.ConnectCameraAsync();
        await using var replies = await camera.SubscribeToTopicAsync("camera/replies", cancellationToken: Token);
        await using var status = await camera.SubscribeToTopicAsync(StatusTopic, cancellationToken: Token);
        await using var describeReplies = await camera.SubscribeToTopicAsync(DescribeTopic + "/reply", cancellationToken: Token);
        var image = TestImages.GreyWithWhiteSquare(64, 64, 24);
        const int Requests = 30;

        var sender = Task.Run(async () =>
        {
            for (var i = 0; i < Requests; i++)
            {
                await camera.PublishToTopicAsync(RequestTopic, JsonRequest($"r{i}", image, "camera/replies"), Token);
                await Task.Delay(10, Token);
            }
        });
        await Task.Delay(60, Token);
        await harness.Emulator.UpdateConfigurationAsync(WorkerComponent, new JsonObject { ["Model"] = new JsonObject { ["Path"] = TestModels.GreyAnomaly } }, Token);
        await sender;

        var seen = new Dictionary<string, JsonElement>();
        for (var i = 0; i < Requests; i++)
        {
            var reply = await NextJsonAsync(replies);
            seen[reply.GetProperty("RequestId").GetString()!] = reply;
        }

        Assert.Equal(Requests, seen.Count);
        Assert.All(seen.Values, r => Assert.False(r.TryGetProperty("Error", out _), r.ToString()));
        var swapped = await NextJsonAsync(status, s => s.GetProperty("StatusMessage").GetString()?.Contains("swapped", StringComparison.Ordinal) == true);
        Assert.Equal("RUNNING", swapped.GetProperty("Status").GetString());
        Assert.Equal("com.example.GreyAnomaly", swapped.GetProperty("Model").GetProperty("ComponentName").GetString());

        await camera.PublishToTopicAsync(RequestTopic, JsonRequest("after-swap", image, "camera/replies"), Token);
        var after = await NextJsonAsync(replies);
        Assert.True(after.GetProperty("DetectAnomalyResult").GetProperty("IsAnomalous").GetBoolean());
        Assert.Equal("com.example.GreyAnomaly", after.GetProperty("Model").GetProperty("ComponentName").GetString());
        await camera.PublishToTopicAsync(DescribeTopic, new JsonObject { ["RequestId"] = "d" }, Token);
        var describe = await NextJsonAsync(describeReplies);
        Assert.Equal("grey-anomaly", describe.GetProperty("Runtime").GetProperty("Model").GetProperty("Name").GetString());
        Assert.Contains(seen.Values, r => r.TryGetProperty("Classifications", out _));
    }

    [Fact]
    public async Task ConfigurationUpdate_BrokenPackage_OldModelKeepsServing_AndStatusSaysWhy()
    {
        await using var harness = await IpcHarness.StartAsync();
        await using var worker = await harness.StartWorkerAsync(WorkerConfiguration(TestModels.ColorClassifier));
        var camera = await harness.ConnectCameraAsync();
        await using var replies = await camera.SubscribeToTopicAsync("camera/replies", cancellationToken: Token);
        await using var status = await camera.SubscribeToTopicAsync(StatusTopic, cancellationToken: Token);
        var broken = TestModels.CopyToTemp(TestModels.GreyAnomaly);
        await File.WriteAllTextAsync(Path.Combine(broken, "model.onnx"), "not an onnx model", Token);

        await harness.Emulator.UpdateConfigurationAsync(WorkerComponent, new JsonObject { ["Model"] = new JsonObject { ["Path"] = broken } }, Token);
        var failed = await NextJsonAsync(status);

        Assert.Equal("RUNNING", failed.GetProperty("Status").GetString());
        Assert.Contains("failed", failed.GetProperty("StatusMessage").GetString(), StringComparison.Ordinal);
        Assert.Contains(broken, failed.GetProperty("StatusMessage").GetString(), StringComparison.Ordinal);
        await camera.PublishToTopicAsync(RequestTopic, JsonRequest("still-served", TestImages.Solid(16, 16, (0, 200, 0)), "camera/replies"), Token);
        var reply = await NextJsonAsync(replies);
        Assert.Equal("green", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        Assert.Equal("com.example.ColorClassifier", reply.GetProperty("Model").GetProperty("ComponentName").GetString());
    }

    [Fact]
    public async Task ConfigurationUpdate_UnrelatedKey_KeepsTheSameEngine()
    {
        await using var harness = await IpcHarness.StartAsync();
        await using var worker = await harness.StartWorkerAsync(WorkerConfiguration(TestModels.ColorClassifier));
        var models = (EdgeInference.Worker.Models.ModelCatalog)worker.Services.GetService(typeof(EdgeInference.Worker.Models.ModelCatalog))!;
        var before = Assert.Single(models.All).Engine;
        var camera = await harness.ConnectCameraAsync();
        await using var status = await camera.SubscribeToTopicAsync(StatusTopic, cancellationToken: Token);

        await harness.Emulator.UpdateConfigurationAsync(WorkerComponent, new JsonObject { ["Greeting"] = "hello" }, Token);

        Assert.True(await StaysEmptyAsync(status.Events, TimeSpan.FromMilliseconds(500)));
        Assert.Same(before, Assert.Single(models.All).Engine);
    }
}
