namespace EdgeInference.LookoutVision.Evaluation;

/// <summary><c>evaluation/result.json</c> beside a trained model: how it was split, calibrated and measured.</summary>
public sealed record EvaluationResultFile
{
    public required string ProjectName { get; init; }
    public required string ModelVersion { get; init; }
    public required string Method { get; init; }
    public required ImageLevelResult ImageLevel { get; init; }
    public PixelLevelResult? PixelLevel { get; init; }
    public required CalibrationSummary Calibration { get; init; }
    public required SplitSummary Split { get; init; }
    public int? MemoryBankSize { get; init; }
    public required double TrainingSeconds { get; init; }
}

public sealed record ImageLevelResult(double? Auroc, double F1Score, double Precision, double Recall, float Threshold, int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives);

public sealed record PixelLevelResult(double? Auroc, int ImagesWithMasks);

/// <param name="RawThreshold">The calibrated threshold on the raw distance, which the normalised score maps to 0.5.</param>
public sealed record CalibrationSummary(string Method, float RawThreshold, float Scale, int NormalImages, int AnomalousImages, double? CalibrationF1);

/// <param name="TestHeldOut">True when the test split was held out of the training dataset (no test dataset).</param>
public sealed record SplitSummary(int MemoryImages, int CalibrationImages, int TestImages, bool TestHeldOut);
