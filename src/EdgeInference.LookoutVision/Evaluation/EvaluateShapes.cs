using EdgeInference.Anomaly.Evaluation;
using EdgeInference.LookoutVision.Datasets;

namespace EdgeInference.LookoutVision.Evaluation;

/// <summary>What <c>evaluate</c> measures: a package (or a project's model) on labelled images (a dataset source, or a project's dataset).</summary>
public sealed record EvaluateRequest
{
    public string? PackagePath { get; init; }
    public string? ProjectName { get; init; }
    public string? ModelVersion { get; init; }

    /// <summary>Images from outside the store (manifest, S3 manifest or folder).</summary>
    public DatasetInput? Dataset { get; init; }

    /// <summary>Else this dataset of <see cref="ProjectName"/> (default test).</summary>
    public string? DatasetType { get; init; }

    /// <summary>Rounds of the side-by-side timing against the plain ResNet18 embedding; 0 skips it.</summary>
    public int SpeedRounds { get; init; }
}

public sealed record EvaluationSummary
{
    public required int Images { get; init; }
    public required int NormalImages { get; init; }
    public required int AnomalousImages { get; init; }
    public required float Threshold { get; init; }
    public double? ImageAuroc { get; init; }
    public required double F1Score { get; init; }
    public required double Precision { get; init; }
    public required double Recall { get; init; }
    public double? PixelAuroc { get; init; }
    public required int ImagesWithMasks { get; init; }

    public static EvaluationSummary From(EvaluationReport report) => new()
    {
        Images = report.Images.Count,
        NormalImages = report.NormalImages,
        AnomalousImages = report.AnomalousImages,
        Threshold = report.Threshold,
        ImageAuroc = Round(report.ImageAuroc),
        F1Score = Math.Round(report.AtThreshold.F1, 4),
        Precision = Math.Round(report.AtThreshold.Precision, 4),
        Recall = Math.Round(report.AtThreshold.Recall, 4),
        PixelAuroc = Round(report.PixelAuroc),
        ImagesWithMasks = report.ImagesWithMasks,
    };

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 4) : null;
}

public sealed record EvaluateResponse(EvaluationSummary Evaluation, SpeedSummary? Speed = null);

/// <summary>Medians (ms) through the worker's engine, side by side with the plain ResNet18 embedding.</summary>
public sealed record SpeedSummary(int Runs, double ModelInferenceMs, double EmbeddingInferenceMs, double InferenceRatio, double ModelTotalMs, double EmbeddingTotalMs, double TotalRatio)
{
    public static SpeedSummary From(SpeedComparison s) => new(s.Images, s.ModelInferenceMs, s.EmbeddingInferenceMs, s.InferenceRatio, s.ModelTotalMs, s.EmbeddingTotalMs, s.TotalRatio);
}
