using System.Text.Json.Serialization;
using EdgeInference.Core.Json;
using EdgeInference.Core.Packaging;
using EdgeInference.Greengrass.Recipes;
using EdgeInference.Packaging.Recipes;

namespace EdgeInference.Packaging.Store;

/// <summary>A registered model version (<c>projects/P/models/N/model.json</c>); its package is <c>package.zip</c> beside it.</summary>
public sealed record ModelRecord
{
    public required string ProjectName { get; init; }
    public required string ModelVersion { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? CreationTimestamp { get; init; }

    public string? Description { get; init; }

    /// <summary>Lookout's ModelStatus; a registered package is <c>TRAINED</c>.</summary>
    public string Status { get; init; } = "TRAINED";

    /// <summary>The ONNX file's name inside the package.</summary>
    public required string ModelFile { get; init; }

    /// <summary>SHA-256 (lower-case hex) of the ONNX file.</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>SHA-256 of the stored package zip.</summary>
    public required string PackageSha256 { get; init; }

    public required string Task { get; init; }

    public string? ModelName { get; init; }

    /// <summary>Where the package was registered from (informational).</summary>
    public string? Source { get; init; }
}

/// <summary>A packaging job (<c>projects/P/jobs/J/job.json</c>): the describe output plus what the runner needs.</summary>
public sealed record JobRecord
{
    public required ModelPackagingDescription Description { get; init; }

    public string? ClientToken { get; init; }

    /// <summary>SHA-256 of the request's parameters, to tell a retry from a different request with the same client token.</summary>
    public required string RequestFingerprint { get; init; }

    /// <summary>The model version the job resolved (<c>latest</c> resolved to a number).</summary>
    public required string ResolvedModelVersion { get; init; }

    public required JobRunSettings Run { get; init; }
}

/// <summary>How a job builds and publishes, fixed when it is started (a detached runner reads it back).</summary>
public sealed record JobRunSettings
{
    public string WorkerComponentName { get; init; } = ModelComponentOptions.DefaultWorkerComponentName;
    public string WorkerVersionRequirement { get; init; } = ModelComponentOptions.DefaultWorkerVersionRequirement;
    public RecipeFormat RecipeFormat { get; init; } = RecipeFormat.Yaml;

    /// <summary>Also copy <c>greengrass-build/</c> here when the job succeeds.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Publish through <c>IComponentPublisher</c>; null builds only.</summary>
    public PublishSettings? Publish { get; init; }
}

public sealed record PublishSettings
{
    public required string Region { get; init; }
    public string? GreengrassEndpoint { get; init; }
    public string? S3Endpoint { get; init; }
    public string? StsEndpoint { get; init; }
    public bool S3ForcePathStyle { get; init; }
}

/// <summary>Lookout's ModelMetadata (CreateModel / ListModels), plus the package facts we record.</summary>
public sealed record ModelMetadata
{
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? CreationTimestamp { get; init; }

    public string? ModelVersion { get; init; }
    public string? Description { get; init; }
    public string? Status { get; init; }
    public string? StatusMessage { get; init; }
    public string? ModelFile { get; init; }
    public string? ModelSha256 { get; init; }
    public string? Task { get; init; }

    public static ModelMetadata From(ModelRecord record) => new()
    {
        CreationTimestamp = record.CreationTimestamp,
        ModelVersion = record.ModelVersion,
        Description = record.Description,
        Status = record.Status,
        StatusMessage = "Registered from a model package.",
        ModelFile = record.ModelFile,
        ModelSha256 = record.ModelSha256,
        Task = record.Task,
    };
}

public sealed record CreateModelResponse(ModelMetadata ModelMetadata);

public sealed record ListModelsResponse(IReadOnlyList<ModelMetadata> Models, string? NextToken = null);

public sealed record StartModelPackagingJobResponse(string JobName);

/// <summary>One row of ListModelPackagingJobs.</summary>
public sealed record ModelPackagingJobMetadata
{
    public string? JobName { get; init; }
    public string? ProjectName { get; init; }
    public string? ModelVersion { get; init; }
    public string? ModelPackagingJobDescription { get; init; }
    public string? ModelPackagingMethod { get; init; }
    public ModelPackagingJobStatus? Status { get; init; }
    public string? StatusMessage { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? CreationTimestamp { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? LastUpdatedTimestamp { get; init; }

    public static ModelPackagingJobMetadata From(ModelPackagingDescription d) => new()
    {
        JobName = d.JobName,
        ProjectName = d.ProjectName,
        ModelVersion = d.ModelVersion,
        ModelPackagingJobDescription = d.ModelPackagingJobDescription,
        ModelPackagingMethod = d.ModelPackagingMethod,
        Status = d.Status,
        StatusMessage = d.StatusMessage,
        CreationTimestamp = d.CreationTimestamp,
        LastUpdatedTimestamp = d.LastUpdatedTimestamp,
    };
}

public sealed record ListModelPackagingJobsResponse(IReadOnlyList<ModelPackagingJobMetadata> ModelPackagingJobs, string? NextToken = null);

/// <summary>The StartModelPackagingJob body (the project name is in the path, the client token in a header).</summary>
public sealed record StartModelPackagingJobBody
{
    public string? ModelVersion { get; init; }
    public string? JobName { get; init; }
    public ModelPackagingConfiguration? Configuration { get; init; }
    public string? Description { get; init; }
}

/// <summary>The error body Lookout for Vision sends with <c>x-amzn-ErrorType</c>.</summary>
public sealed record ServiceErrorBody(string Message, string? ResourceId = null, string? ResourceType = null);
