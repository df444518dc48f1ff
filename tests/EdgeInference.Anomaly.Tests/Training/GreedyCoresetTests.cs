using EdgeInference.Anomaly.Training;
using Xunit;

namespace EdgeInference.Anomaly.Tests.Training;

public sealed class GreedyCoresetTests
{
    [Fact]
    public void Select_ThreeTightClustersTargetThree_TakesOnePointOfEachCluster()
    {
        // 3 clusters of 50 points (dims 8) around far-apart centres: k-centre with k=3 must cover each cluster once.
        const int Dims = 8;
        var random = new Random(3);
        var rows = new float[150 * Dims];
        for (var i = 0; i < 150; i++)
        {
            for (var d = 0; d < Dims; d++)
            {
                rows[(i * Dims) + d] = ((i / 50) * 100f * (d == 0 ? 1 : 0)) + (float)random.NextDouble();
            }
        }

        var chosen = GreedyCoreset.Select(rows, 150, Dims, 3, seed: 1);

        Assert.Equal([0, 1, 2], chosen.Select(i => i / 50).Order());
    }

    [Fact]
    public void Select_SameSeed_SameSelection()
    {
        var rows = Enumerable.Range(0, 400 * 16).Select(i => (float)Math.Sin(i * 0.37)).ToArray();

        Assert.Equal(GreedyCoreset.Select(rows, 400, 16, 20, seed: 9), GreedyCoreset.Select(rows, 400, 16, 20, seed: 9));
    }

    [Fact]
    public void Select_FewerRowsThanTarget_KeepsAll()
    {
        Assert.Equal([0, 1, 2], GreedyCoreset.Select(new float[3 * 4], 3, 4, 10, seed: 1));
    }
}
