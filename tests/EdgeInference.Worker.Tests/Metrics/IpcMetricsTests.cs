using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Ipc;
using EdgeInference.Testing;
using EdgeInference.Worker.Tests.Fixtures;
using Xunit;
using static EdgeInference.Worker.Tests.Fixtures.IpcHarness;

namespace EdgeInference.Worker.Tests.Metrics;

/// <summary>Metrics under Greengrass IPC, against the nucleus emulator: the report on local pub/sub and the CloudWatch component's messages.</summary>
public sealed class IpcMetricsTests
{
    [Fact]
    public async Task Metrics_UnderIpc_ReportOnItsTopic_AndCloudWatchComponentMessagesOnItsLocalTopic()
    {
        await using var harness = await IpcHarness.StartAsync();
        // The recipe's grant: edge-inference/* and cloudwatch/metric/put.
        var configuration = WorkerConfiguration(TestModels.ColorClassifier, accessControl: Policies(WorkerComponent, "edge-inference/*", "cloudwatch/metric/put"));
        await using var worker = await harness.StartWorkerAsync(configuration, overrides: new Dictionary<string, string?> { ["Metrics:IntervalSeconds"] = "1" });
        var cloudWatch = harness.Emulator.AddComponent("aws.greengrass.Cloudwatch", new JsonObject { ["accessControl"] = Policies("aws.greengrass.Cloudwatch", "cloudwatch/metric/put", "edge-inference/*") });
        await using var client = new GreengrassIpcClient(new GreengrassIpcOptions { SocketPath = harness.Emulator.SocketPath, AuthToken = cloudWatch.AuthToken, AutoReconnect = false, RequestTimeout = TimeSpan.FromSeconds(10) });
        await client.ConnectAsync(Token);
        await using var puts = await client.SubscribeToTopicAsync("cloudwatch/metric/put", cancellationToken: Token);
        await using var reports = await client.SubscribeToTopicAsync("edge-inference/test/metrics", cancellationToken: Token);

        var report = await NextJsonAsync(reports);
        var put = await NextJsonAsync(puts, m => m.GetProperty("request").GetProperty("metricData").GetProperty("metricName").GetString() == "Requests");

        Assert.Equal("test", report.GetProperty("ThingName").GetString());
        Assert.True(report.GetProperty("RssMB").GetDouble() > 0);
        var request = put.GetProperty("request");
        Assert.Equal("EdgeInference", request.GetProperty("namespace").GetString());
        Assert.Equal("Count", request.GetProperty("metricData").GetProperty("unit").GetString());
        Assert.Equal("test", request.GetProperty("metricData").GetProperty("dimensions")[0].GetProperty("value").GetString());
    }
}
