using EdgeInference.Core.Results;

namespace EdgeInference.Worker.Metrics;

/// <summary>
/// The figures of the current metrics interval: every answered request's outcome and, for results, its stage times and
/// batch size. Bounded: at most <see cref="MaxSamples"/> latency samples per interval (counts stay exact beyond).
/// Thread-safe; <see cref="TakeInterval"/> hands the interval over and starts the next.
/// </summary>
public sealed class WorkerMetrics
{
    public const int MaxSamples = 20_000;

    private readonly Lock _gate = new();
    private Interval _current = new();
    private long _totalRequests;
    private long _totalSucceeded;
    private long _totalErrors;
    private long _totalBusy;

    public void RecordSuccess(InferenceTimings timings)
    {
        ArgumentNullException.ThrowIfNull(timings);
        lock (_gate)
        {
            _totalRequests++;
            _totalSucceeded++;
            var interval = _current;
            interval.Succeeded++;
            // A run of b requests answers b results; each contributes 1/b of a run.
            interval.BatchShares[timings.BatchSize] = interval.BatchShares.GetValueOrDefault(timings.BatchSize) + 1;
            if (interval.Total.Count < MaxSamples)
            {
                interval.Queue.Add(timings.QueueMs);
                interval.Decode.Add(timings.DecodeMs + timings.PreprocessMs);
                interval.Inference.Add(timings.InferenceMs);
                interval.Total.Add(timings.TotalMs);
            }
        }
    }

    public void RecordError(string code)
    {
        lock (_gate)
        {
            _totalRequests++;
            _totalErrors++;
            _current.Errors[code] = _current.Errors.GetValueOrDefault(code) + 1;
            if (code == ErrorCodes.Busy)
            {
                _totalBusy++;
            }
        }
    }

    /// <summary>Ends the interval: its figures, and the totals since start.</summary>
    public MetricsSample TakeInterval()
    {
        Interval taken;
        MetricsTotals totals;
        lock (_gate)
        {
            taken = _current;
            _current = new Interval();
            totals = new MetricsTotals { Requests = _totalRequests, Succeeded = _totalSucceeded, Errors = _totalErrors, BusyRefusals = _totalBusy };
        }

        var runsBySize = taken.BatchShares.OrderBy(kv => kv.Key).ToDictionary(
            kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture),
            kv => (kv.Value + kv.Key - 1) / kv.Key);
        var runs = runsBySize.Values.Sum();
        return new MetricsSample
        {
            Succeeded = taken.Succeeded,
            Errors = taken.Errors,
            BusyRefusals = taken.Errors.GetValueOrDefault(ErrorCodes.Busy),
            Latency = new MetricsLatencies
            {
                Queue = Percentiles(taken.Queue),
                Decode = Percentiles(taken.Decode),
                Inference = Percentiles(taken.Inference),
                Total = Percentiles(taken.Total),
            },
            Batches = new MetricsBatches
            {
                Runs = runs,
                MeanSize = runs == 0 ? 0 : Math.Round((double)taken.Succeeded / runs, 2),
                MaxSize = taken.BatchShares.Count == 0 ? 0 : taken.BatchShares.Keys.Max(),
                RunsBySize = runsBySize,
            },
            Totals = totals,
        };
    }

    /// <summary>Nearest-rank percentiles.</summary>
    public static LatencyPercentiles Percentiles(List<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return new LatencyPercentiles();
        }

        samples.Sort();
        double At(double p) => Math.Round(samples[Math.Clamp((int)Math.Ceiling(p * samples.Count) - 1, 0, samples.Count - 1)], 3);
        return new LatencyPercentiles { P50 = At(0.50), P90 = At(0.90), P99 = At(0.99), Max = Math.Round(samples[^1], 3) };
    }

    private sealed class Interval
    {
        public long Succeeded;
        public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);
        public Dictionary<int, long> BatchShares { get; } = [];
        public List<double> Queue { get; } = [];
        public List<double> Decode { get; } = [];
        public List<double> Inference { get; } = [];
        public List<double> Total { get; } = [];
    }
}

/// <summary>One interval's figures, before the publisher adds who, when and how much memory.</summary>
public sealed record MetricsSample
{
    public required long Succeeded { get; init; }
    public required IReadOnlyDictionary<string, long> Errors { get; init; }
    public required long BusyRefusals { get; init; }
    public required MetricsLatencies Latency { get; init; }
    public required MetricsBatches Batches { get; init; }
    public required MetricsTotals Totals { get; init; }
    public long Requests => Succeeded + Errors.Values.Sum();
}
