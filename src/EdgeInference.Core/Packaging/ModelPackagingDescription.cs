using System.Text.Json.Serialization;
using EdgeInference.Core.Json;

namespace EdgeInference.Core.Packaging;

/// <summary>
/// The <c>ModelPackagingDescription</c> object of Lookout for Vision's DescribeModelPackagingJob output,
/// field for field. JSON names are PascalCase exactly as the service wrote them; absent values are omitted.
/// </summary>
public sealed record ModelPackagingDescription
{
    public string? JobName { get; init; }
    public string? ProjectName { get; init; }
    public string? ModelVersion { get; init; }
    public ModelPackagingConfiguration? ModelPackagingConfiguration { get; init; }
    /// <summary>The free-text description of the job (the service's name for it, not "Description").</summary>
    public string? ModelPackagingJobDescription { get; init; }
    public string? ModelPackagingMethod { get; init; }
    public ModelPackagingOutputDetails? ModelPackagingOutputDetails { get; init; }
    public ModelPackagingJobStatus? Status { get; init; }
    public string? StatusMessage { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? CreationTimestamp { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? LastUpdatedTimestamp { get; init; }
}

public sealed record ModelPackagingConfiguration
{
    public GreengrassConfiguration? Greengrass { get; init; }
}

public sealed record GreengrassConfiguration
{
    /// <summary>JSON text with compiler options (NVIDIA targets need gpu-code, trt-ver and cuda-ver).</summary>
    public string? CompilerOptions { get; init; }
    /// <summary>Only <c>jetson_xavier</c>; mutually exclusive with <see cref="TargetPlatform"/>.</summary>
    public string? TargetDevice { get; init; }
    public TargetPlatform? TargetPlatform { get; init; }
    public S3Location? S3OutputLocation { get; init; }
    public string? ComponentName { get; init; }
    public string? ComponentVersion { get; init; }
    public string? ComponentDescription { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }
}

public sealed record TargetPlatform
{
    /// <summary><c>LINUX</c>.</summary>
    public string? Os { get; init; }
    /// <summary><c>ARM64</c> or <c>X86_64</c>.</summary>
    public string? Arch { get; init; }
    /// <summary><c>NVIDIA</c>, or absent for CPU.</summary>
    public string? Accelerator { get; init; }
}

public sealed record S3Location
{
    public string? Bucket { get; init; }
    public string? Prefix { get; init; }
}

public sealed record Tag
{
    public string? Key { get; init; }
    public string? Value { get; init; }
}

public sealed record ModelPackagingOutputDetails
{
    public GreengrassOutputDetails? Greengrass { get; init; }
}

public sealed record GreengrassOutputDetails
{
    public string? ComponentVersionArn { get; init; }
    public string? ComponentName { get; init; }
    public string? ComponentVersion { get; init; }
}

[JsonConverter(typeof(StrictEnumConverter<ModelPackagingJobStatus>))]
public enum ModelPackagingJobStatus
{
    CREATED,
    RUNNING,
    SUCCEEDED,
    FAILED,
}

/// <summary>The DescribeModelPackagingJob reply: <c>{"ModelPackagingDescription": {...}}</c>.</summary>
public sealed record DescribeModelPackagingJobResponse
{
    public ModelPackagingDescription? ModelPackagingDescription { get; init; }
}
