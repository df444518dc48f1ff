using EdgeInference.Core.Packaging;

namespace EdgeInference.Packaging.Jobs;

/// <summary>StartModelPackagingJob's input, as the CLI and the REST endpoint both receive it.</summary>
public sealed record StartModelPackagingJobRequest
{
    public string? ProjectName { get; init; }
    public string? ModelVersion { get; init; }
    public string? JobName { get; init; }
    public ModelPackagingConfiguration? Configuration { get; init; }
    public string? Description { get; init; }
    public string? ClientToken { get; init; }
}
