using EdgeInference.Core.Packaging;

namespace EdgeInference.Onnx;

/// <summary>How to load a model package and which accelerator to run it on.</summary>
public sealed record OnnxEngineOptions
{
    /// <summary>A package folder or .zip holding model.onnx and manifest.json.</summary>
    public required string PackagePath { get; init; }

    public Accelerator Accelerator { get; init; } = Accelerator.Auto;

    /// <summary>ORT intra-op threads; 0 lets ORT choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// ORT graph optimisation. <c>All</c> adds CPU layout transforms: fastest runs, but the session build briefly holds
    /// more copies of the weights (ResNet18 here: 344 MB peak RSS vs 292 MB with <c>Extended</c>, whose runs are ~25% slower).
    /// </summary>
    public GraphOptimization GraphOptimization { get; init; } = GraphOptimization.All;

    /// <summary>
    /// Folder where the CPU session's optimised model is kept between starts (lower load peak, faster start); null: off.
    /// </summary>
    public string? OptimizedModelCacheDirectory { get; init; }

    /// <summary>Let idle ORT intra-op threads spin (lower latency on dedicated cores, wasted CPU on shared ones).</summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Also try the TensorRT provider before CUDA (GPU builds only).</summary>
    public bool UseTensorRt { get; init; }

    /// <summary>Where TensorRT keeps its engine cache so later starts skip the engine build.</summary>
    public string? TensorRtCachePath { get; init; }

    public int GpuDeviceId { get; init; }

    /// <summary>Images whose header claims more pixels than this are refused before decoding.</summary>
    public long MaxImagePixels { get; init; } = 40_000_000;

    /// <summary>Replaces the manifest's packaging metadata (a model component's configuration wins over its manifest).</summary>
    public ModelPackagingDescription? PackagingDescriptionOverride { get; init; }
}

public enum GraphOptimization
{
    All,
    Extended,
    Basic,
}

public enum Accelerator
{
    Auto,
    Gpu,
    Cpu,
}
