using EdgeInference.Onnx.Processing;
using OpenCvSharp;
using Xunit;

namespace EdgeInference.Onnx.Tests.Processing;

public sealed class AnomalyPostprocessorTests
{
    [Theory]
    [InlineData(0.5f, 0.5f, true, 0.5f)]
    [InlineData(0.75f, 0.5f, true, 0.75f)]
    [InlineData(1f, 0.5f, true, 1f)]
    [InlineData(0.25f, 0.5f, false, 0.75f)]
    [InlineData(0f, 0.5f, false, 1f)]
    [InlineData(0.2f, 0.2f, true, 0.5f)]
    [InlineData(0.6f, 0.2f, true, 0.75f)]
    [InlineData(0.1f, 0.2f, false, 0.75f)]
    [InlineData(0.4999f, 0.5f, false, 0.5001f)]
    public void Build_ScoreAgainstThreshold_GivesVerdictAndConfidence(float score, float threshold, bool anomalous, float confidence)
    {
        var result = AnomalyPostprocessor.Build(score, [], 0, 0, threshold, threshold);

        Assert.Equal(anomalous, result.IsAnomalous);
        Assert.Equal(confidence, result.Confidence, 4);
        Assert.Equal(score, result.AnomalyScore);
        Assert.Equal(threshold, result.AnomalyThreshold);
        Assert.Null(result.Anomalies);
        Assert.Null(result.AnomalyMask);
    }

    [Theory]
    [InlineData(7f, 0.5f)]
    [InlineData(-3f, 0.5f)]
    [InlineData(0.9f, 1f)]
    [InlineData(0.9f, 0f)]
    public void Confidence_OutOfRangeScoresOrThresholds_StaysBetweenHalfAndOne(float score, float threshold)
    {
        var confidence = AnomalyPostprocessor.Confidence(score, threshold);

        Assert.InRange(confidence, 0.5f, 1f);
        Assert.False(float.IsNaN(confidence));
    }

    [Fact]
    public void Build_MapOnly_ScoreIsTheMapMaximum()
    {
        float[] map = [0.1f, 0.2f, 0.9f, 0.3f, 0f, 0.05f];

        var result = AnomalyPostprocessor.Build(null, map, 3, 2, 0.5f, 0.5f);

        Assert.Equal(0.9f, result.AnomalyScore);
        Assert.True(result.IsAnomalous);
    }

    [Fact]
    public void Build_MapOnlyAllNegative_ScoreIsTheMaximumNotZero()
    {
        var result = AnomalyPostprocessor.Build(null, [-3f, -1f, -2f, -5f], 2, 2, 0.5f, 0.5f);

        Assert.Equal(-1f, result.AnomalyScore);
    }

    [Fact]
    public void Build_NoScoreAndNoMap_IsScoreZero()
    {
        var result = AnomalyPostprocessor.Build(null, [], 0, 0, 0.5f, 0.5f);

        Assert.Equal(0f, result.AnomalyScore);
        Assert.False(result.IsAnomalous);
    }

    [Fact]
    public void Build_Map_AreaIsTheShareOfPixelsAtOrAbovePixelThreshold()
    {
        // 4×2 map: 0.6 (equal to the pixel threshold) counts, 0.59 does not → 3 of 8 pixels.
        float[] map = [0.6f, 0.59f, 0.9f, 0f, 0f, 0f, 1f, 0.1f];

        var result = AnomalyPostprocessor.Build(0.2f, map, 4, 2, 0.5f, 0.6f);

        Assert.False(result.IsAnomalous);
        Assert.Equal(0.2f, result.AnomalyScore);
        var anomalies = result.Anomalies!;
        Assert.Equal([AnomalyPostprocessor.BackgroundName, AnomalyPostprocessor.AnomalyName], anomalies.Select(a => a.Name));
        Assert.Equal(0.375f, anomalies[1].PixelAnomaly!.TotalPercentageArea);
        Assert.Equal(0.625f, anomalies[0].PixelAnomaly!.TotalPercentageArea);
        Assert.Equal("#FF0000", anomalies[1].PixelAnomaly!.Color);
        Assert.Equal("#000000", anomalies[0].PixelAnomaly!.Color);
    }

    [Fact]
    public void Build_Map_MaskIsAPngRedWhereAnomalousBlackElsewhere()
    {
        float[] map = [0.6f, 0.59f, 0.9f, 0f, 0f, 0f, 1f, 0.1f];

        var result = AnomalyPostprocessor.Build(null, map, 4, 2, 0.5f, 0.6f);

        var png = Convert.FromBase64String(result.AnomalyMask!);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        using var mask = Cv2.ImDecode(png, ImreadModes.Color);
        Assert.Equal(new Size(4, 2), mask.Size());
        var red = new Vec3b(0, 0, 255);
        var black = new Vec3b(0, 0, 0);
        Vec3b[] expected = [red, black, red, black, black, black, red, black];
        for (var i = 0; i < map.Length; i++)
        {
            Assert.Equal(expected[i], mask.At<Vec3b>(i / 4, i % 4));
        }
    }

    [Fact]
    public void Build_MapAllBelowPixelThreshold_HasZeroAreaAndAnAllBlackMask()
    {
        var result = AnomalyPostprocessor.Build(null, new float[16], 4, 4, 0.5f, 0.5f);

        Assert.Equal(0f, result.Anomalies![1].PixelAnomaly!.TotalPercentageArea);
        Assert.Equal(1f, result.Anomalies[0].PixelAnomaly!.TotalPercentageArea);
        using var mask = Cv2.ImDecode(Convert.FromBase64String(result.AnomalyMask!), ImreadModes.Color);
        Assert.Equal(0, Cv2.CountNonZero(mask.Reshape(1)));
    }

    [Fact]
    public void Build_PixelThresholdDiffersFromImageThreshold_UsesEachForItsOwnPart()
    {
        float[] map = [0.3f, 0.3f, 0.3f, 0.3f];

        var result = AnomalyPostprocessor.Build(null, map, 2, 2, threshold: 0.5f, pixelThreshold: 0.25f);

        Assert.False(result.IsAnomalous);
        Assert.Equal(1f, result.Anomalies![1].PixelAnomaly!.TotalPercentageArea);
    }
}
