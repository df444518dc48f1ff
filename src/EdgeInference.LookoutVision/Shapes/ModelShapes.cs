using System.Text.Json.Serialization;
using EdgeInference.Core.Json;

namespace EdgeInference.LookoutVision.Shapes;

/// <summary>Lookout's ModelStatus values.</summary>
public static class ModelStatus
{
    public const string Training = "TRAINING";
    public const string Trained = "TRAINED";
    public const string TrainingFailed = "TRAINING_FAILED";
    public const string StartingHosting = "STARTING_HOSTING";
    public const string Hosted = "HOSTED";
    public const string StoppingHosting = "STOPPING_HOSTING";
}

public sealed record ModelPerformance
{
    public float? F1Score { get; init; }
    public float? Recall { get; init; }
    public float? Precision { get; init; }
}

public sealed record OutputS3Location
{
    public string? Bucket { get; init; }
    public string? Prefix { get; init; }
}

public sealed record OutputConfig
{
    public OutputS3Location? S3Location { get; init; }
}

/// <summary>Where an evaluation file is: an S3 object, or (locally) only <c>Key</c>, the file's absolute path.</summary>
public sealed record OutputS3Object
{
    public string? Bucket { get; init; }
    public string? Key { get; init; }
}

/// <summary>A ListModels row / CreateModel's reply.</summary>
public sealed record LookoutModelMetadata
{
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? CreationTimestamp { get; init; }

    public string? ModelVersion { get; init; }
    public string? ModelArn { get; init; }
    public string? Description { get; init; }
    public string? Status { get; init; }
    public string? StatusMessage { get; init; }
    public ModelPerformance? Performance { get; init; }

    /// <summary>Not in the service's shape (the AWS CLI drops it): the SHA-256 of a packaged model's ONNX file.</summary>
    public string? ModelSha256 { get; init; }
}

public sealed record LookoutCreateModelResponse(LookoutModelMetadata ModelMetadata);

public sealed record LookoutListModelsResponse(IReadOnlyList<LookoutModelMetadata> Models, string? NextToken = null);

public sealed record ModelDescription
{
    public string? ModelVersion { get; init; }
    public string? ModelArn { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? CreationTimestamp { get; init; }

    public string? Description { get; init; }
    public string? Status { get; init; }
    public string? StatusMessage { get; init; }
    public ModelPerformance? Performance { get; init; }
    public OutputConfig? OutputConfig { get; init; }
    public OutputS3Object? EvaluationManifest { get; init; }
    public OutputS3Object? EvaluationResult { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? EvaluationEndTimestamp { get; init; }

    public int? MinInferenceUnits { get; init; }
    public int? MaxInferenceUnits { get; init; }
}

public sealed record DescribeModelResponse(ModelDescription ModelDescription);

public sealed record DeleteModelResponse(string ModelArn);

public sealed record CreateModelBody
{
    public string? Description { get; init; }
    public OutputConfig? OutputConfig { get; init; }
    public string? KmsKeyId { get; init; }
}

public sealed record StartModelBody
{
    public int? MinInferenceUnits { get; init; }
    public int? MaxInferenceUnits { get; init; }
}

public sealed record ModelHostingStatusResponse(string Status);
