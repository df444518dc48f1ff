using Xunit;

namespace EdgeInference.Bench.Tests;

public sealed class LatencyStatsTests
{
    [Fact]
    public void From_HundredSamples_NearestRankPercentilesAndThroughput()
    {
        var samples = Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToList();

        var stats = LatencyStats.From(samples, seconds: 4);

        Assert.Equal(100, stats.Count);
        Assert.Equal(50, stats.P50Ms);
        Assert.Equal(99, stats.P99Ms);
        Assert.Equal(50.5, stats.MeanMs);
        Assert.Equal(25, stats.Throughput);
    }

    [Fact]
    public void From_NoSamples_NaNFiguresAndZeroThroughput()
    {
        var stats = LatencyStats.From([], seconds: 0);

        Assert.Equal(0, stats.Count);
        Assert.True(double.IsNaN(stats.P50Ms));
        Assert.Equal(0, stats.Throughput);
    }

    [Fact]
    public void PhaseSamples_SeveralRounds_PoolsLatenciesAndSeconds()
    {
        var phase = new PhaseSamples();

        phase.Add([1, 2], 1);
        phase.Add([3, 4, 5, 6], 2);

        Assert.Equal(6, phase.Stats.Count);
        Assert.Equal(3, phase.Stats.Seconds);
        Assert.Equal(3, phase.Stats.P50Ms);
    }
}
