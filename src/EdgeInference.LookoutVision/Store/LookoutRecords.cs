using System.Text.Json.Serialization;
using EdgeInference.Core.Json;
using EdgeInference.LookoutVision.Shapes;

namespace EdgeInference.LookoutVision.Store;

/// <summary><c>projects/P/project.json</c>, written by CreateProject (a project made by importing a package has none).</summary>
public sealed record ProjectRecord
{
    public required string ProjectName { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? CreationTimestamp { get; init; }
}

/// <summary><c>projects/P/datasets/T/dataset.json</c>: the description and where the dataset came from.</summary>
public sealed record DatasetRecord
{
    public required DatasetDescription Description { get; init; }

    /// <summary>The manifest, S3 object or folder imported (informational).</summary>
    public string? Source { get; init; }
}

/// <summary>One image of a dataset (<c>items.json</c>): the copied image and binary mask, the label, and the manifest line as given.</summary>
public sealed record DatasetItem
{
    public required string SourceRef { get; init; }

    /// <summary>The image copied into the dataset folder (relative to it).</summary>
    public required string Image { get; init; }

    /// <summary>null when the line carries no anomaly label.</summary>
    public bool? IsAnomalous { get; init; }

    public string? ClassName { get; init; }

    /// <summary>The ground-truth mask as a binary PNG (255 = anomalous), relative to the dataset folder.</summary>
    public string? Mask { get; init; }

    /// <summary>The manifest line (JSON text), as ListDatasetEntries returns it.</summary>
    public required string Entry { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? CreationTimestamp { get; init; }
}

/// <summary><c>projects/P/models/N/training.json</c>: a trained (or training, or failed) model's description.</summary>
public sealed record TrainingRecord
{
    public required ModelDescription Description { get; init; }

    public string? Method { get; init; }

    /// <summary>The hosting state start-model/stop-model record (HOSTED or absent).</summary>
    public string? HostingStatus { get; init; }
}
