using System.Text.Json.Serialization;
using EdgeInference.Core.Json;

namespace EdgeInference.LookoutVision.Shapes;

/// <summary>Lookout's DatasetStatus values we use.</summary>
public static class DatasetStatus
{
    public const string CreateComplete = "CREATE_COMPLETE";
    public const string CreateFailed = "CREATE_FAILED";
}

public static class DatasetTypes
{
    public const string Train = "train";
    public const string Test = "test";

    public static bool IsValid(string? type) => type is Train or Test;
}

public sealed record DatasetMetadata
{
    public string? DatasetType { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? CreationTimestamp { get; init; }

    public string? Status { get; init; }
    public string? StatusMessage { get; init; }
}

public sealed record CreateDatasetResponse(DatasetMetadata DatasetMetadata);

public sealed record DatasetImageStats(int Total, int Labeled, int Normal, int Anomaly);

public sealed record DatasetDescription
{
    public string? ProjectName { get; init; }
    public string? DatasetType { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? CreationTimestamp { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? LastUpdatedTimestamp { get; init; }

    public string? Status { get; init; }
    public string? StatusMessage { get; init; }
    public DatasetImageStats? ImageStats { get; init; }
}

public sealed record DescribeDatasetResponse(DatasetDescription DatasetDescription);

public sealed record ListDatasetEntriesResponse(IReadOnlyList<string> DatasetEntries, string? NextToken = null);

public sealed record S3ObjectLocation
{
    public string? Bucket { get; init; }
    public string? Key { get; init; }
    public string? VersionId { get; init; }
}

public sealed record GroundTruthManifestSource
{
    public S3ObjectLocation? S3Object { get; init; }
}

public sealed record DatasetSourceShape
{
    public GroundTruthManifestSource? GroundTruthManifest { get; init; }
}

public sealed record CreateDatasetBody
{
    public string? DatasetType { get; init; }
    public DatasetSourceShape? DatasetSource { get; init; }
}
