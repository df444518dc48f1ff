using EdgeInference.Anomaly.Training;
using Xunit;

namespace EdgeInference.Anomaly.Tests.Training;

public sealed class ThresholdCalibratorTests
{
    [Fact]
    public void Calibrate_SeparableLabelledScores_ThresholdBetweenClassesAndF1One()
    {
        var result = ThresholdCalibrator.Calibrate([1f, 2f, 3f, 4f], [8f, 9f, 10f]);

        Assert.Equal(CalibrationResult.F1Optimal, result.Method);
        Assert.Equal(1.0, result.CalibrationF1);
        Assert.InRange(result.Normalization.Threshold, 4f, 8f);
    }

    [Fact]
    public void Calibrate_SeparableScores_NormalisesThresholdToHalfAndMedianNormalToFivePercent()
    {
        var result = ThresholdCalibrator.Calibrate([1f, 2f, 3f, 4f, 5f], [9f, 10f]);

        Assert.Equal(0.5f, result.Normalization.Apply(result.Normalization.Threshold), 5);
        Assert.Equal(0.05f, result.Normalization.Apply(3f), 3);
        Assert.True(result.Normalization.Apply(10f) > 0.9f);
    }

    [Fact]
    public void Calibrate_NoAnomalies_UsesThe99thPercentileOfNormals()
    {
        var normals = Enumerable.Range(1, 101).Select(i => (float)i).ToArray();

        var result = ThresholdCalibrator.Calibrate(normals, []);

        Assert.Equal(CalibrationResult.NormalPercentile, result.Method);
        Assert.Equal(100f, result.Normalization.Threshold, 3);
    }

    [Fact]
    public void Calibrate_NoNormals_Refused()
    {
        var error = Assert.Throws<AnomalyDataException>(() => ThresholdCalibrator.Calibrate([], [1f]));

        Assert.Contains("normal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantile_Interpolates_AsNumpy()
    {
        Assert.Equal(2.5f, ThresholdCalibrator.Quantile([1f, 2f, 3f, 4f], 0.5));
    }
}
