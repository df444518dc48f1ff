namespace EdgeInference.Core.Results;

/// <summary>
/// What the worker publishes every <c>Metrics:IntervalSeconds</c> on <c>edge-inference/{ThingName}/metrics</c>: the
/// figures of the interval just ended (requests, errors by code, Busy refusals, latency percentiles, batch sizes),
/// totals since start, the execution provider and memory.
/// </summary>
public sealed record MetricsReport
{
    public required string ThingName { get; init; }
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Length of the interval these figures cover, in seconds.</summary>
    public required double IntervalSeconds { get; init; }
    public string? Status { get; init; }
    public string? ExecutionProvider { get; init; }

    /// <summary>Requests answered in the interval (results and errors, Busy included).</summary>
    public required long Requests { get; init; }
    public required long Succeeded { get; init; }

    /// <summary>Answered requests per second over the interval.</summary>
    public required double RequestsPerSecond { get; init; }

    /// <summary>Error replies in the interval, by code.</summary>
    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>Requests refused with <c>Busy</c> in the interval (also counted in <see cref="Errors"/>).</summary>
    public required long BusyRefusals { get; init; }

    /// <summary>Percentiles of the interval's successful requests, per stage (milliseconds).</summary>
    public required MetricsLatencies LatencyMs { get; init; }
    public required MetricsBatches Batches { get; init; }

    /// <summary>Requests in progress when the report was made.</summary>
    public int InFlight { get; init; }
    public required MetricsTotals Totals { get; init; }
    public double RssMB { get; init; }
    public double PeakRssMB { get; init; }
}

public sealed record MetricsLatencies
{
    public required LatencyPercentiles Queue { get; init; }
    public required LatencyPercentiles Decode { get; init; }
    public required LatencyPercentiles Inference { get; init; }
    public required LatencyPercentiles Total { get; init; }
}

/// <summary>Percentiles of one stage's times (0 when no request ran in the interval).</summary>
public sealed record LatencyPercentiles
{
    public double P50 { get; init; }
    public double P90 { get; init; }
    public double P99 { get; init; }
    public double Max { get; init; }
}

public sealed record MetricsBatches
{
    /// <summary>ONNX Runtime runs in the interval.</summary>
    public long Runs { get; init; }

    /// <summary>Mean requests per run (1: nothing batched).</summary>
    public double MeanSize { get; init; }
    public int MaxSize { get; init; }

    /// <summary>Runs per batch size ("1", "2", ...).</summary>
    public required IReadOnlyDictionary<string, long> RunsBySize { get; init; }
}

public sealed record MetricsTotals
{
    public long Requests { get; init; }
    public long Succeeded { get; init; }
    public long Errors { get; init; }
    public long BusyRefusals { get; init; }
}
