using EdgeInference.Anomaly.Backbone;
using EdgeInference.Anomaly.Graphs;
using EdgeInference.Anomaly.Training;
using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.Anomaly.Tests.Graphs;

/// <summary>The graphs built on the real bundled ResNet18.</summary>
public sealed class ScoringGraphTests
{
    [Fact]
    public void FeatureGraph_RealBackbone_GivesOneDescriptorPerCellOfA28Grid()
    {
        using var session = new GraphSession(FeatureGraph.Build(ResNet18Backbone.Locate()), [FeatureGraph.FeaturesOutput]);

        var features = session.Run(TestImages.Solid(64, 48, (30, 120, 200)), "solid")[0];

        Assert.Equal(FeatureGraph.Channels * 28 * 28, features.Length);
        Assert.Equal(384, FeatureGraph.Channels);
        Assert.All(features, f => Assert.True(f >= 0 && float.IsFinite(f)));
    }

    [Fact]
    public void ScoringGraph_BankOfTheImageItself_ScoresItFarBelowAnotherImage()
    {
        var backbone = ResNet18Backbone.Locate();
        var seen = TestImages.PhotoLikeJpeg(80, 60);
        var other = TestImages.Solid(80, 60, (0, 0, 255));
        float[] bank;
        using (var features = new GraphSession(FeatureGraph.Build(backbone), [FeatureGraph.FeaturesOutput]))
        {
            bank = new float[CellFeatures.CellsPerImage * FeatureGraph.Channels];
            CellFeatures.CopyToRows(features.Run(seen, "seen")[0], bank);
        }

        using var scoring = new GraphSession(
            ScoringGraph.Build(backbone, new MemoryBankScorer(bank, CellFeatures.CellsPerImage, FeatureGraph.Channels), normalization: null),
            [ScoringGraph.ScoreOutput, ScoringGraph.MapOutput]);
        var seenScore = scoring.Run(seen, "seen");
        var otherScore = scoring.Run(other, "other");

        Assert.Equal(224 * 224, seenScore[1].Length);
        Assert.True(seenScore[0][0] < 0.05f, $"seen {seenScore[0][0]}");
        Assert.True(otherScore[0][0] > 1f, $"other {otherScore[0][0]}");
        Assert.Equal(seenScore[1].Max(), seenScore[0][0], 4);
    }

    [Fact]
    public void ScoringGraph_WithNormalization_MapsTheThresholdToHalf()
    {
        var backbone = ResNet18Backbone.Locate();
        var bank = new float[FeatureGraph.Channels];
        var normalization = new ScoreNormalization(Threshold: 3f, Scale: 0.5f);
        using var raw = new GraphSession(ScoringGraph.Build(backbone, new MemoryBankScorer(bank, 1, FeatureGraph.Channels), null), [ScoringGraph.ScoreOutput]);
        using var normalised = new GraphSession(ScoringGraph.Build(backbone, new MemoryBankScorer(bank, 1, FeatureGraph.Channels), normalization), [ScoringGraph.ScoreOutput]);
        var image = TestImages.PhotoLikeJpeg(50, 50);

        var rawScore = raw.Run(image, "image")[0][0];
        var normalisedScore = normalised.Run(image, "image")[0][0];

        Assert.Equal(normalization.Apply(rawScore), normalisedScore, 4);
    }
}
