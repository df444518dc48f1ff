using EdgeInference.LookoutVision.Shapes;

namespace EdgeInference.LookoutVision.Datasets;

/// <summary>Where a dataset comes from: a local manifest (with its image root), a manifest in S3, or a normal/ + anomaly/ folder.</summary>
public sealed record DatasetInput
{
    public string? ManifestPath { get; init; }

    /// <summary>Where relative source-refs of a local manifest are (default: the manifest's folder).</summary>
    public string? ImageRoot { get; init; }

    public S3ObjectLocation? S3Manifest { get; init; }

    public string? Folder { get; init; }
}
