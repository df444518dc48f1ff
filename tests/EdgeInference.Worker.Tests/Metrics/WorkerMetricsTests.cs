using System.Text.Json;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Metrics;
using Xunit;

namespace EdgeInference.Worker.Tests.Metrics;

/// <summary>The metrics interval: counts, errors by code, percentiles, batch sizes, and the CloudWatch component's message shape.</summary>
public sealed class WorkerMetricsTests
{
    [Fact]
    public void TakeInterval_SuccessesAndErrors_CountsByCodeAndPercentilesPerStage()
    {
        var metrics = new WorkerMetrics();
        for (var i = 1; i <= 100; i++)
        {
            metrics.RecordSuccess(new InferenceTimings { QueueMs = i, DecodeMs = 2, PreprocessMs = 1, InferenceMs = 10 + i, TotalMs = 20 + i, BatchSize = 1 });
        }

        metrics.RecordError(ErrorCodes.Busy);
        metrics.RecordError(ErrorCodes.Busy);
        metrics.RecordError(ErrorCodes.InvalidImage);

        var sample = metrics.TakeInterval();

        Assert.Equal(103, sample.Requests);
        Assert.Equal(100, sample.Succeeded);
        Assert.Equal(2, sample.BusyRefusals);
        Assert.Equal(1, sample.Errors[ErrorCodes.InvalidImage]);
        Assert.Equal(50, sample.Latency.Queue.P50);
        Assert.Equal(99, sample.Latency.Queue.P99);
        Assert.Equal(100, sample.Latency.Queue.Max);
        Assert.Equal(3, sample.Latency.Decode.P90);
        Assert.Equal(70, sample.Latency.Total.P50);
        Assert.Equal(103, sample.Totals.Requests);
    }

    [Fact]
    public void TakeInterval_StartsANewInterval_TotalsKeepGrowing()
    {
        var metrics = new WorkerMetrics();
        metrics.RecordSuccess(new InferenceTimings { TotalMs = 5 });
        metrics.TakeInterval();
        metrics.RecordError(ErrorCodes.Busy);

        var second = metrics.TakeInterval();

        Assert.Equal(0, second.Succeeded);
        Assert.Equal(1, second.Requests);
        Assert.Equal(0, second.Latency.Total.P50);
        Assert.Equal(2, second.Totals.Requests);
        Assert.Equal(1, second.Totals.BusyRefusals);
    }

    [Fact]
    public void TakeInterval_BatchedResults_CountRunsPerBatchSize()
    {
        var metrics = new WorkerMetrics();
        foreach (var size in new[] { 1, 1, 4, 4, 4, 4, 2, 2 })
        {
            metrics.RecordSuccess(new InferenceTimings { BatchSize = size, TotalMs = 1 });
        }

        var batches = metrics.TakeInterval().Batches;

        Assert.Equal(4, batches.Runs);
        Assert.Equal(2, batches.MeanSize);
        Assert.Equal(4, batches.MaxSize);
        Assert.Equal(new Dictionary<string, long> { ["1"] = 2, ["2"] = 1, ["4"] = 1 }, batches.RunsBySize);
    }

    [Fact]
    public void From_WithCloudWatchTopic_OneComponentMessagePerMetricInItsInputShape()
    {
        var report = Report(succeeded: 3);

        var messages = MetricsMessages.From(report, "edge-inference/dev1/metrics", "cloudwatch/metric/put", "EdgeInference");

        Assert.Equal("cloudwatch/metric/put", messages.CloudWatchTopic);
        var byName = messages.CloudWatch.Select(m => JsonDocument.Parse(m).RootElement).ToDictionary(m => m.GetProperty("request").GetProperty("metricData").GetProperty("metricName").GetString()!);
        var total = byName["TotalP50"].GetProperty("request");
        Assert.Equal("EdgeInference", total.GetProperty("namespace").GetString());
        var datum = total.GetProperty("metricData");
        Assert.Equal(12.5, datum.GetProperty("value").GetDouble());
        Assert.Equal("Milliseconds", datum.GetProperty("unit").GetString());
        Assert.Equal(report.Timestamp.ToUnixTimeSeconds(), datum.GetProperty("timestamp").GetInt64());
        var dimension = Assert.Single(datum.GetProperty("dimensions").EnumerateArray());
        Assert.Equal("ThingName", dimension.GetProperty("name").GetString());
        Assert.Equal("dev1", dimension.GetProperty("value").GetString());
        Assert.Equal(5, byName["Requests"].GetProperty("request").GetProperty("metricData").GetProperty("value").GetDouble());
        Assert.Equal("Count", byName["BusyRefusals"].GetProperty("request").GetProperty("metricData").GetProperty("unit").GetString());
        Assert.Equal(JsonSerializer.Serialize(report, EdgeInference.Core.Json.CoreJsonContext.Default.MetricsReport), System.Text.Encoding.UTF8.GetString(messages.Json));
    }

    [Fact]
    public void From_NoRequestsRan_LatencyMetricsLeftOut_AndNoCloudWatchTopicMeansNoMessages()
    {
        var idle = MetricsMessages.From(Report(succeeded: 0), "t", "cloudwatch/metric/put", "EdgeInference");
        var off = MetricsMessages.From(Report(succeeded: 3), "t", null, "EdgeInference");

        Assert.DoesNotContain(idle.CloudWatch, m => System.Text.Encoding.UTF8.GetString(m).Contains("TotalP50", StringComparison.Ordinal));
        Assert.Contains(idle.CloudWatch, m => System.Text.Encoding.UTF8.GetString(m).Contains("\"Requests\"", StringComparison.Ordinal));
        Assert.Null(off.CloudWatchTopic);
        Assert.Empty(off.CloudWatch);
    }

    private static MetricsReport Report(long succeeded) => new()
    {
        ThingName = "dev1",
        Timestamp = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero),
        IntervalSeconds = 10,
        Requests = succeeded + 2,
        Succeeded = succeeded,
        RequestsPerSecond = 0.5,
        Errors = new Dictionary<string, long> { [ErrorCodes.Busy] = 2 },
        BusyRefusals = 2,
        LatencyMs = new MetricsLatencies
        {
            Queue = new LatencyPercentiles { P50 = 1 },
            Decode = new LatencyPercentiles { P50 = 2 },
            Inference = new LatencyPercentiles { P50 = 9 },
            Total = new LatencyPercentiles { P50 = 12.5, P99 = 30 },
        },
        Batches = new MetricsBatches { Runs = succeeded, MeanSize = 1, MaxSize = 1, RunsBySize = new Dictionary<string, long>() },
        Totals = new MetricsTotals { Requests = 5 },
        RssMB = 190,
    };
}
