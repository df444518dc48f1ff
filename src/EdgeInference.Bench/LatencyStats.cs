namespace EdgeInference.Bench;

/// <summary>Latency percentiles and throughput of one measured phase.</summary>
public sealed record LatencyStats(int Count, double Seconds, double P50Ms, double P99Ms, double MeanMs)
{
    public double Throughput => Seconds > 0 ? Count / Seconds : 0;

    public static LatencyStats From(IReadOnlyCollection<double> latenciesMs, double seconds)
    {
        if (latenciesMs.Count == 0)
        {
            return new LatencyStats(0, seconds, double.NaN, double.NaN, double.NaN);
        }

        var sorted = latenciesMs.Order().ToArray();
        return new LatencyStats(sorted.Length, seconds, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Average());
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double quantile)
    {
        var rank = (int)Math.Ceiling(quantile * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>Latencies of a phase gathered over several rounds (so slow drift of the machine hits every phase alike).</summary>
public sealed class PhaseSamples
{
    private readonly List<double> _latencies = [];
    private double _seconds;

    public void Add(IReadOnlyCollection<double> latencies, double seconds)
    {
        _latencies.AddRange(latencies);
        _seconds += seconds;
    }

    public LatencyStats Stats => LatencyStats.From(_latencies, _seconds);
}
