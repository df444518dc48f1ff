using EdgeInference.Core.Inference;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.Packaging;

namespace EdgeInference.LookoutVision;

public sealed partial class LookoutVisionService
{
    public const string DirectSource = "direct";
    private static readonly string[] AcceptedContentTypes = ["image/png", "image/jpeg"];

    /// <summary>
    /// Runs one image through a TRAINED (or HOSTED) model with the worker's engine (the Onnx project's loader) and returns
    /// Lookout's DetectAnomalyResult. The mask is the model's map resolution (a PNG, anomalous pixels in the anomaly colour).
    /// </summary>
    /// <param name="contentType">The request's Content-Type (image/png or image/jpeg), or null to skip the check (CLI).</param>
    public LookoutDetectAnomalyResult DetectAnomalies(string project, string modelVersion, ReadOnlyMemory<byte> image, string? contentType, CancellationToken cancellationToken = default)
    {
        if (contentType is not null && !AcceptedContentTypes.Contains(contentType.Split(';')[0].Trim(), StringComparer.OrdinalIgnoreCase))
        {
            throw new PackagingValidationException($"ContentType '{contentType}' is not supported: image/png or image/jpeg.");
        }

        var version = RequireModelVersion(project, modelVersion);
        var description = DescribeVersion(project, version);
        if (description.Status is not (Shapes.ModelStatus.Trained or Shapes.ModelStatus.Hosted))
        {
            throw new PackagingValidationException($"Model {version} of project {project} is {description.Status}: only a TRAINED model detects anomalies.");
        }

        var record = _store.Packaging.TryGetModel(project, version)!;
        if (record.Task != "anomaly")
        {
            throw new PackagingValidationException($"Model {version} of project {project} is a {record.Task} model, not an anomaly model.");
        }

        var engine = _engines.Get(_store.Packaging.ModelPackagePath(project, version), record.PackageSha256, cancellationToken);
        Core.Results.DetectAnomalyResult result;
        try
        {
            result = engine.Infer(image, cancellationToken).DetectAnomalyResult!;
        }
        catch (InferenceException ex) when (ex.Code is Core.Results.ErrorCodes.InvalidImage or Core.Results.ErrorCodes.InvalidRequest)
        {
            throw new PackagingValidationException($"The image cannot be used: {ex.Message}", ex);
        }

        return new LookoutDetectAnomalyResult
        {
            Source = new ImageSource(DirectSource),
            IsAnomalous = result.IsAnomalous,
            Confidence = result.Confidence,
            Anomalies = result.Anomalies?.Select(a => new LookoutAnomaly(a.Name,
                a.PixelAnomaly is null ? null : new LookoutPixelAnomaly(a.PixelAnomaly.TotalPercentageArea, a.PixelAnomaly.Color))).ToList(),
            AnomalyMask = result.AnomalyMask,
        };
    }
}
