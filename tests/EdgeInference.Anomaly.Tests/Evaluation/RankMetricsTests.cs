using EdgeInference.Anomaly.Evaluation;
using Xunit;

namespace EdgeInference.Anomaly.Tests.Evaluation;

public sealed class RankMetricsTests
{
    [Fact]
    public void Auroc_PerfectlySeparated_IsOne()
    {
        Assert.Equal(1.0, RankMetrics.Auroc([0.1f, 0.2f, 0.8f, 0.9f], [false, false, true, true]));
    }

    [Fact]
    public void Auroc_Reversed_IsZero()
    {
        Assert.Equal(0.0, RankMetrics.Auroc([0.9f, 0.8f, 0.2f, 0.1f], [false, false, true, true]));
    }

    [Fact]
    public void Auroc_OneSwappedPairOfFour_IsThreeQuarters()
    {
        // Pairs (neg, pos): (0.1,0.3) ok, (0.1,0.9) ok, (0.5,0.3) wrong, (0.5,0.9) ok → 3/4.
        Assert.Equal(0.75, RankMetrics.Auroc([0.1f, 0.5f, 0.3f, 0.9f], [false, false, true, true]));
    }

    [Fact]
    public void Auroc_TiedScores_CountHalf()
    {
        Assert.Equal(0.5, RankMetrics.Auroc([0.4f, 0.4f], [false, true]));
    }

    [Fact]
    public void Auroc_OneClassOnly_IsNull()
    {
        Assert.Null(RankMetrics.Auroc([0.1f, 0.2f], [false, false]));
    }

    [Fact]
    public void AtThreshold_MixedVerdicts_CountsAndF1()
    {
        var scores = RankMetrics.AtThreshold([0.2f, 0.6f, 0.7f, 0.4f], [false, false, true, true], 0.5f);

        Assert.Equal(new BinaryScores(TruePositives: 1, FalsePositives: 1, FalseNegatives: 1, TrueNegatives: 1), scores);
        Assert.Equal(0.5, scores.Precision);
        Assert.Equal(0.5, scores.Recall);
        Assert.Equal(0.5, scores.F1);
    }
}
