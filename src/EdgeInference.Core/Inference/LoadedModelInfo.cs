using EdgeInference.Core.Manifest;
using EdgeInference.Core.Packaging;
using EdgeInference.Core.Results;

namespace EdgeInference.Core.Inference;

/// <summary>Everything known about a loaded model: package, tensors, session and how it was chosen.</summary>
public sealed record LoadedModelInfo
{
    public required string PackagePath { get; init; }
    public required string Name { get; init; }
    public required ModelTask Task { get; init; }
    public required string Sha256 { get; init; }
    public required IReadOnlyList<TensorInfo> Inputs { get; init; }
    public required IReadOnlyList<TensorInfo> Outputs { get; init; }
    public required ExecutionProviderInfo ExecutionProvider { get; init; }
    /// <summary>The library that decodes this model's images, and why when it is not the one asked for.</summary>
    public ImageDecoderInfo? ImageDecoder { get; init; }
    /// <summary>The ONNX Runtime library the process runs (path and version).</summary>
    public OnnxRuntimeInfo? OnnxRuntime { get; init; }
    public ModelPackagingDescription? ModelPackagingDescription { get; init; }
    public OnnxModelMetadata? OnnxMetadata { get; init; }
    public double LoadMs { get; init; }
    public double WarmupMs { get; init; }

    public ModelProvenance ToProvenance()
    {
        var description = ModelPackagingDescription;
        var output = description?.ModelPackagingOutputDetails?.Greengrass;
        var configuration = description?.ModelPackagingConfiguration?.Greengrass;
        return new ModelProvenance
        {
            ComponentName = output?.ComponentName ?? configuration?.ComponentName,
            ComponentVersion = output?.ComponentVersion ?? configuration?.ComponentVersion,
            ComponentVersionArn = output?.ComponentVersionArn,
            ModelVersion = description?.ModelVersion,
            Sha256 = Sha256,
        };
    }
}

public sealed record TensorInfo
{
    public required string Name { get; init; }
    public required string ElementType { get; init; }
    /// <summary>Dimensions; -1 for a symbolic dimension.</summary>
    public required IReadOnlyList<long> Shape { get; init; }
}

/// <summary>Which execution provider serves, what was asked for, and why it differs when it does.</summary>
public sealed record ExecutionProviderInfo
{
    /// <summary><c>auto</c>, <c>gpu</c> or <c>cpu</c>, as configured.</summary>
    public required string RequestedAccelerator { get; init; }
    /// <summary>The ORT provider that runs the model, e.g. <c>CUDAExecutionProvider</c>.</summary>
    public required string Active { get; init; }
    /// <summary>Providers this ONNX Runtime build offers.</summary>
    public required IReadOnlyList<string> Available { get; init; }
    /// <summary>Why a GPU was not used though <c>auto</c> would have taken one; null when none was wanted or it works.</summary>
    public string? FallbackReason { get; init; }

    /// <summary>How the session's optimised model was obtained: <c>hit: PATH</c> (loaded as kept), <c>stored: PATH</c> (built and kept), or null (no cache).</summary>
    public string? OptimizedModelCache { get; init; }
}

/// <summary>Which image decoder serves a model, what was asked for, and why it differs when it does.</summary>
public sealed record ImageDecoderInfo
{
    /// <summary><c>auto</c>, <c>opencv</c> or <c>vips</c>, as configured.</summary>
    public required string Requested { get; init; }
    /// <summary><c>opencv</c> or <c>vips</c>.</summary>
    public required string Active { get; init; }
    /// <summary>The native library and its version, e.g. <c>OpenCV 4.13.0</c> or <c>libvips 8.18.7</c>.</summary>
    public required string Library { get; init; }
    /// <summary>Why <c>auto</c> did not take OpenCV; null when it did, or when a decoder was named.</summary>
    public string? FallbackReason { get; init; }
}

/// <summary>The ONNX Runtime native library this process loaded.</summary>
public sealed record OnnxRuntimeInfo
{
    /// <summary>The file loaded (absolute path).</summary>
    public required string Library { get; init; }
    /// <summary>The library's own version string, e.g. <c>1.31.1</c>.</summary>
    public required string Version { get; init; }
    /// <summary><c>bundled</c> (shipped with the worker) or <c>Model:OnnxRuntimeLibrary</c> (user-supplied).</summary>
    public required string Source { get; init; }
}

public sealed record OnnxModelMetadata
{
    public string? ProducerName { get; init; }
    public string? GraphName { get; init; }
    public string? Domain { get; init; }
    public string? Description { get; init; }
    public long Version { get; init; }
    public IReadOnlyDictionary<string, string>? CustomMetadata { get; init; }
}
