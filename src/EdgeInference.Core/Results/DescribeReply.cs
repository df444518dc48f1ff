using EdgeInference.Core.Inference;
using EdgeInference.Core.Packaging;

namespace EdgeInference.Core.Results;

/// <summary>The reply on the describe topic.</summary>
public sealed record DescribeReply
{
    public string? RequestId { get; init; }
    public ModelPackagingDescription? ModelPackagingDescription { get; init; }
    public required RuntimeDescription Runtime { get; init; }
}

public sealed record RuntimeDescription
{
    public required string Status { get; init; }
    public string? StatusMessage { get; init; }
    /// <summary>The worker's version.</summary>
    public required string Version { get; init; }
    public string? ThingName { get; init; }
    public string? Transport { get; init; }
    public required string ExecutionProvider { get; init; }
    public required string RequestedAccelerator { get; init; }
    public IReadOnlyList<string>? AvailableExecutionProviders { get; init; }
    public string? FallbackReason { get; init; }
    /// <summary>How the optimised model was obtained (<c>hit: PATH</c>, <c>stored: PATH</c>), null without the cache.</summary>
    public string? OptimizedModelCache { get; init; }
    /// <summary>ORT intra-op threads each run uses (Model:IntraOpThreads, or cores / MaxConcurrentRequests when 0).</summary>
    public int IntraOpThreads { get; init; }
    public RuntimeModelDescription? Model { get; init; }
    public RuntimeLimits? Limits { get; init; }
    public RuntimeCounters? Counters { get; init; }
}

public sealed record RuntimeModelDescription
{
    public required string Name { get; init; }
    public required string Task { get; init; }
    public required string Sha256 { get; init; }
    public required string PackagePath { get; init; }
    public required IReadOnlyList<TensorInfo> Inputs { get; init; }
    public required IReadOnlyList<TensorInfo> Outputs { get; init; }
    public OnnxModelMetadata? OnnxMetadata { get; init; }
    public double LoadMs { get; init; }
    public double WarmupMs { get; init; }
}

public sealed record RuntimeLimits
{
    public long MaxPayloadBytes { get; init; }
    public long MaxImagePixels { get; init; }
    public int MaxConcurrentRequests { get; init; }
    public int MaxQueue { get; init; }
}

public sealed record RuntimeCounters
{
    public long Served { get; init; }
    public long Failed { get; init; }
    public long Rejected { get; init; }
    public int InFlight { get; init; }
}
