namespace EdgeInference.Anomaly.Evaluation;

/// <summary>One image's verdict in an evaluation.</summary>
public sealed record ImageEvaluation(string Source, bool IsAnomalous, float Score, bool PredictedAnomalous, double? PixelAuroc = null);

/// <summary>Image-level AUROC, precision/recall/F1 at the threshold, and pixel-level AUROC where masks exist.</summary>
public sealed record EvaluationReport
{
    public required IReadOnlyList<ImageEvaluation> Images { get; init; }
    public required float Threshold { get; init; }
    public double? ImageAuroc { get; init; }
    public required BinaryScores AtThreshold { get; init; }

    /// <summary>Over every pixel of the images with a ground-truth mask and of the normal images (all negative); null without masks.</summary>
    public double? PixelAuroc { get; init; }

    public int ImagesWithMasks { get; init; }

    public int NormalImages => Images.Count(i => !i.IsAnomalous);

    public int AnomalousImages => Images.Count(i => i.IsAnomalous);
}
