using System.Collections.Concurrent;
using System.Text.Json;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Heads;
using EdgeInference.Worker.Hosting;
using EdgeInference.Worker.Metrics;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Requests;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace EdgeInference.Worker.Tests.Metrics;

/// <summary>The periodic publisher on fake time: when it publishes, what, and where (MQTT head vs IPC with CloudWatch).</summary>
public sealed class MetricsPublisherTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExecuteAsync_EveryInterval_PublishesTheIntervalsFiguresOnTheMetricsTopic()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero));
        var head = new RecordingHead();
        var metrics = new WorkerMetrics();
        using var publisher = Create(head, metrics, time, new MetricsOptions { IntervalSeconds = 10 }, ipc: false);
        await publisher.StartAsync(Token);

        metrics.RecordSuccess(new InferenceTimings { QueueMs = 3, TotalMs = 30, BatchSize = 1 });
        metrics.RecordError(ErrorCodes.Busy);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(head.Published);
        time.Advance(TimeSpan.FromSeconds(1));
        var first = await head.NextAsync(0);
        time.Advance(TimeSpan.FromSeconds(10));
        var second = await head.NextAsync(1);
        await publisher.StopAsync(Token);

        Assert.Equal("edge-inference/dev1/metrics", first.Topic);
        Assert.Null(first.CloudWatchTopic);
        var report = JsonDocument.Parse(first.Json).RootElement;
        Assert.Equal(2, report.GetProperty("Requests").GetInt64());
        Assert.Equal(1, report.GetProperty("BusyRefusals").GetInt64());
        Assert.Equal(30, report.GetProperty("LatencyMs").GetProperty("Total").GetProperty("P50").GetDouble());
        Assert.Equal(10, report.GetProperty("IntervalSeconds").GetDouble());
        Assert.Equal(0.2, report.GetProperty("RequestsPerSecond").GetDouble());
        Assert.True(report.GetProperty("RssMB").GetDouble() > 0);
        Assert.Equal("2026-11-30T10:00:10+00:00", report.GetProperty("Timestamp").GetString());
        Assert.Equal(0, JsonDocument.Parse(second.Json).RootElement.GetProperty("Requests").GetInt64());
        Assert.Equal(2, JsonDocument.Parse(second.Json).RootElement.GetProperty("Totals").GetProperty("Requests").GetInt64());
    }

    [Fact]
    public async Task ExecuteAsync_IntervalZero_NeverPublishes()
    {
        var time = new FakeTimeProvider();
        var head = new RecordingHead();
        using var publisher = Create(head, new WorkerMetrics(), time, new MetricsOptions { IntervalSeconds = 0 }, ipc: false);
        await publisher.StartAsync(Token);

        time.Advance(TimeSpan.FromHours(1));
        await publisher.StopAsync(Token);

        Assert.Empty(head.Published);
    }

    [Fact]
    public void TakeReport_UnderIpc_AddsTheCloudWatchComponentMessages_UnlessItsTopicIsEmpty()
    {
        var time = new FakeTimeProvider();
        using var withCloudWatch = Create(new RecordingHead(), new WorkerMetrics(), time, new MetricsOptions(), ipc: true);
        using var without = Create(new RecordingHead(), new WorkerMetrics(), time, new MetricsOptions { CloudWatchTopic = "" }, ipc: true);
        using var overMqtt = Create(new RecordingHead(), new WorkerMetrics(), time, new MetricsOptions(), ipc: false);

        Assert.Equal("cloudwatch/metric/put", withCloudWatch.TakeReport().CloudWatchTopic);
        Assert.NotEmpty(withCloudWatch.TakeReport().CloudWatch);
        Assert.Null(without.TakeReport().CloudWatchTopic);
        Assert.Null(overMqtt.TakeReport().CloudWatchTopic);
    }

    private static MetricsPublisher Create(RecordingHead head, WorkerMetrics metrics, TimeProvider time, MetricsOptions options, bool ipc)
    {
        var worker = MsOptions.Create(new WorkerOptions { ThingName = "dev1" });
        return new MetricsPublisher(metrics, new WorkerState(time, worker), head, MsOptions.Create(options), worker, new WorkerTransport(ipc, ipc), time, NullLogger<MetricsPublisher>.Instance);
    }

    private sealed class RecordingHead : IRequestHead
    {
        private readonly SemaphoreSlim _arrived = new(0);

        public ConcurrentQueue<MetricsMessages> Published { get; } = new();

        public string Transport => "test";

        public async Task<MetricsMessages> NextAsync(int index)
        {
            for (var i = 0; i < 200 && Published.Count <= index; i++)
            {
                await _arrived.WaitAsync(TimeSpan.FromMilliseconds(50), Token);
            }

            return Published.ElementAt(index);
        }

        public Task PublishMetricsAsync(MetricsMessages metrics, CancellationToken cancellationToken = default)
        {
            Published.Enqueue(metrics);
            _arrived.Release();
            return Task.CompletedTask;
        }

        public Task ConnectAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task StartIntakeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task StopIntakeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task DisconnectAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task PublishStatusAsync(WorkerStatus status, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<bool> SendAsync(OutgoingReply reply, CancellationToken cancellationToken = default) => Task.FromResult(true);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
