using EdgeInference.Core.Inference;
using EdgeInference.Core.Packaging;

namespace EdgeInference.Core.Results;

/// <summary>The reply on the describe topic.</summary>
public sealed record DescribeReply
{
    public string? RequestId { get; init; }
    /// <summary>The default model's packaging description (the model the default topics serve).</summary>
    public ModelPackagingDescription? ModelPackagingDescription { get; init; }
    public required RuntimeDescription Runtime { get; init; }

    /// <summary>Every model this worker serves, by name.</summary>
    public IReadOnlyList<ServedModelDescription>? Models { get; init; }

    /// <summary>The model components registered in the model repository, and how the worker answered each.</summary>
    public IReadOnlyList<ModelRegistrationDescription>? Registrations { get; init; }
}

/// <summary>One model the worker serves.</summary>
public sealed record ServedModelDescription
{
    /// <summary>The name requests address (<c>edge-inference/&lt;thing&gt;/models/&lt;Name&gt;/infer</c>).</summary>
    public required string Name { get; init; }

    /// <summary>True for the model the default topics serve.</summary>
    public bool Default { get; init; }

    /// <summary><c>configured</c> (Model:Path), <c>sample</c> (the bundled sample) or <c>component</c> (a model component).</summary>
    public required string Origin { get; init; }

    /// <summary><c>LOADING</c>, <c>LOADED</c> or <c>FAILED</c>.</summary>
    public required string Status { get; init; }

    public string? StatusMessage { get; init; }

    public required string RequestTopic { get; init; }

    public required string ResultTopic { get; init; }

    /// <summary>What results from this model carry (component, version, ARN, model version, SHA-256).</summary>
    public ModelProvenance? Provenance { get; init; }

    public string? ExecutionProvider { get; init; }

    public string? RequestedAccelerator { get; init; }

    public string? FallbackReason { get; init; }

    /// <summary>The library decoding this model's images (<c>opencv</c> or <c>vips</c>), and why when auto fell back.</summary>
    public ImageDecoderInfo? ImageDecoder { get; init; }

    public RuntimeModelDescription? Model { get; init; }

    public ModelPackagingDescription? ModelPackagingDescription { get; init; }
}

/// <summary>A model component's registration as the worker handled it.</summary>
public sealed record ModelRegistrationDescription
{
    public required string Component { get; init; }
    public string? ComponentVersion { get; init; }
    public required string ModelName { get; init; }

    /// <summary><c>LOADED</c> or <c>FAILED</c>.</summary>
    public required string Status { get; init; }
    public string? StatusMessage { get; init; }
}

public sealed record RuntimeDescription
{
    public required string Status { get; init; }
    public string? StatusMessage { get; init; }
    /// <summary>The worker's version.</summary>
    public required string Version { get; init; }
    public string? ThingName { get; init; }
    public string? Transport { get; init; }

    /// <summary>Under Greengrass IPC: <c>local</c>, <c>iotcore</c> or <c>both</c>.</summary>
    public string? IpcTarget { get; init; }

    /// <summary>The runtime component running this worker, when deployed by Greengrass.</summary>
    public string? ComponentName { get; init; }
    public string? ComponentVersion { get; init; }
    public string? ComponentVersionArn { get; init; }

    /// <summary>The model repository model components register in.</summary>
    public string? ModelRepository { get; init; }
    public required string ExecutionProvider { get; init; }
    public required string RequestedAccelerator { get; init; }
    public IReadOnlyList<string>? AvailableExecutionProviders { get; init; }
    public string? FallbackReason { get; init; }
    /// <summary>The default model's image decoder (<c>opencv</c> or <c>vips</c>, its library, and why when auto fell back).</summary>
    public ImageDecoderInfo? ImageDecoder { get; init; }
    /// <summary>The ONNX Runtime library this process loaded: its path, version, and whether it is bundled or configured.</summary>
    public OnnxRuntimeInfo? OnnxRuntime { get; init; }
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
    /// <summary>Limits:MaxConcurrentRuns as configured.</summary>
    public int MaxConcurrentRuns { get; init; }

    /// <summary>The runs the active provider gets at once: on CPU at most the cores the process may use (affinity, cgroup).</summary>
    public int EffectiveMaxConcurrentRuns { get; init; }

    /// <summary>Limits:MaxBatchSize as configured (0: auto — batches on GPU providers only).</summary>
    public int MaxBatchSize { get; init; }
    public double BatchDelayMilliseconds { get; init; }
}

public sealed record RuntimeCounters
{
    public long Served { get; init; }
    public long Failed { get; init; }
    public long Rejected { get; init; }
    public int InFlight { get; init; }
}
