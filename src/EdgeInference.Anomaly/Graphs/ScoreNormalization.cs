namespace EdgeInference.Anomaly.Graphs;

/// <summary>
/// Maps a raw distance to 0–1 with <c>sigmoid((raw − Threshold) / Scale)</c>: the calibrated threshold lands on 0.5 and a
/// score as far above it as the typical normal image is below it reads as confidence 0.95 (see <see cref="Training.ThresholdCalibrator"/>).
/// The same mapping is applied to every pixel of the map, so the image score is the maximum of the normalised map.
/// </summary>
public sealed record ScoreNormalization(float Threshold, float Scale)
{
    /// <summary>The threshold every normalised model uses for images and pixels.</summary>
    public const float NormalizedThreshold = 0.5f;

    public float Apply(float raw) => 1f / (1f + MathF.Exp(-(raw - Threshold) / Scale));
}
