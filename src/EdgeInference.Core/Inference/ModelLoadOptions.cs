using EdgeInference.Core.Packaging;

namespace EdgeInference.Core.Inference;

/// <summary>What an <see cref="IInferenceEngineLoader"/> needs to load one model package on one accelerator.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>A package folder or .zip holding the ONNX model and manifest.json.</summary>
    public required string PackagePath { get; init; }

    public Accelerator Accelerator { get; init; } = Accelerator.Auto;

    /// <summary>Intra-op threads per run; 0 lets the runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    public GraphOptimization GraphOptimization { get; init; } = GraphOptimization.All;

    /// <summary>Folder where the optimised CPU model is kept between starts; null: off.</summary>
    public string? OptimizedModelCacheDirectory { get; init; }

    /// <summary>Let idle intra-op threads spin (lower latency on dedicated cores, wasted CPU on shared ones).</summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Also try TensorRT before CUDA (GPU builds only).</summary>
    public bool UseTensorRt { get; init; }

    /// <summary>Where TensorRT keeps its engine cache so later starts skip the engine build.</summary>
    public string? TensorRtCachePath { get; init; }

    public int GpuDeviceId { get; init; }

    /// <summary>Which library decodes and resizes images; <c>auto</c> takes OpenCV where it loads, else libvips.</summary>
    public ImageDecoderChoice ImageDecoder { get; init; } = ImageDecoderChoice.Auto;

    /// <summary>
    /// A user-supplied ONNX Runtime shared library (e.g. NVIDIA's JetPack build) used instead of the bundled one; null:
    /// the bundled library. Process-wide: the first load decides, and it cannot change while the process runs.
    /// </summary>
    public string? OnnxRuntimeLibrary { get; init; }

    /// <summary>
    /// The runner's batch limit (<c>Limits:MaxBatchSize</c>): 1 never batches; 0 (auto) batches only on a GPU provider;
    /// above 1 batches on any provider. A model batches only when its manifest's <c>MaxBatchSize</c> allows it too.
    /// </summary>
    public int MaxBatchSize { get; init; } = 1;

    /// <summary>Images whose header claims more pixels than this are refused before decoding.</summary>
    public long MaxImagePixels { get; init; } = 40_000_000;

    /// <summary>Replaces the manifest's packaging metadata (a model component's configuration wins over its manifest).</summary>
    public ModelPackagingDescription? PackagingDescriptionOverride { get; init; }
}
