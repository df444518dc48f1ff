using EdgeInference.Core.Inference;

namespace EdgeInference.Worker.Options;

/// <summary>
/// The <c>Model</c> section: the worker's own model and how every model runs. A model component's own <c>Model</c>
/// section overrides these keys for its model.
/// </summary>
public sealed record ModelOptions
{
    public const string SectionName = "Model";

    /// <summary>Package folder or .zip; empty: the bundled ResNet18 sample, served until a model component registers.</summary>
    public string? Path { get; set; }

    public Accelerator Accelerator { get; set; } = Accelerator.Auto;

    /// <summary>ORT intra-op threads of the model's session, shared by its concurrent runs (Limits:MaxConcurrentRuns); 0: every core.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Folder that keeps the model as ONNX Runtime optimised it on this machine, so later starts load it without the
    /// optimisation pass. Empty: the user's cache folder (<c>$XDG_CACHE_HOME</c> or <c>~/.cache</c>)/edge-inference/optimized-models;
    /// <c>off</c>: never.
    /// </summary>
    public string? OptimizedModelCache { get; set; }

    public GraphOptimization GraphOptimization { get; set; } = GraphOptimization.All;

    /// <summary>Let idle ORT intra-op threads spin between runs (default: sleep, leaving the cores to decoding and MQTT).</summary>
    public bool AllowSpinning { get; set; }

    public bool UseTensorRt { get; set; }

    public string? TensorRtCachePath { get; set; }

    public int GpuDeviceId { get; set; }

    /// <summary>Which library decodes images: <c>auto</c> (OpenCV where its runtime loads, else libvips), <c>opencv</c> or <c>vips</c>.</summary>
    public ImageDecoderChoice ImageDecoder { get; set; } = ImageDecoderChoice.Auto;

    /// <summary>
    /// A libonnxruntime.so to run instead of the bundled one (NVIDIA's JetPack build on a Jetson); empty: the bundled
    /// library. Process-wide: set on the runtime component, not on a model component; a change needs a restart.
    /// </summary>
    public string? OnnxRuntimeLibrary { get; set; }

    /// <summary>The configured library as an absolute path, or null for the bundled one.</summary>
    public string? EffectiveOnnxRuntimeLibrary => string.IsNullOrWhiteSpace(OnnxRuntimeLibrary) ? null : System.IO.Path.GetFullPath(OnnxRuntimeLibrary);

    public static string SamplePath => System.IO.Path.Combine(AppContext.BaseDirectory, "models", "resnet18-embedding");

    /// <summary>True when no package is configured, so the bundled sample stands in.</summary>
    public bool UsesSample => string.IsNullOrWhiteSpace(Path);

    public string EffectivePath => UsesSample ? SamplePath : Path!;

    /// <summary>The cache folder in force, or null when off.</summary>
    public string? EffectiveOptimizedModelCache => OptimizedModelCache switch
    {
        { } off when string.Equals(off, "off", StringComparison.OrdinalIgnoreCase) => null,
        { Length: > 0 } path => path,
        _ => System.IO.Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "edge-inference",
            "optimized-models"),
    };
}
