namespace EdgeInference.Worker.Options;

/// <summary>The <c>Model</c> section: which package, on which accelerator.</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Model";

    /// <summary>Package folder or .zip; default: the bundled ResNet18 sample next to the worker binary.</summary>
    public string? Path { get; set; }

    /// <summary><c>auto</c>, <c>gpu</c> or <c>cpu</c>.</summary>
    public string Accelerator { get; set; } = "auto";

    /// <summary>ORT intra-op threads per run; 0: the cores divided among Limits:MaxConcurrentRequests (at least 1).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Folder that keeps the model as ONNX Runtime optimised it on this machine, so later starts load it without the
    /// optimisation pass (ResNet18: 186 MB load peak instead of 344 MB, ~0.2 s instead of ~0.5 s). Empty: the user's cache
    /// folder (<c>$XDG_CACHE_HOME</c> or <c>~/.cache</c>)/edge-inference/optimized-models; <c>off</c>: never.
    /// </summary>
    public string? OptimizedModelCache { get; set; }

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

    /// <summary>ORT graph optimisation: <c>all</c> (fastest runs), <c>extended</c> (lower peak memory while loading), <c>basic</c>.</summary>
    public string GraphOptimization { get; set; } = "all";

    /// <summary>Let idle ORT intra-op threads spin between runs (default: sleep, leaving the cores to decoding and MQTT).</summary>
    public bool AllowSpinning { get; set; }

    public bool UseTensorRt { get; set; }

    public string? TensorRtCachePath { get; set; }

    public int GpuDeviceId { get; set; }

    public static string DefaultPath => System.IO.Path.Combine(AppContext.BaseDirectory, "models", "resnet18-embedding");

    public string EffectivePath => string.IsNullOrWhiteSpace(Path) ? DefaultPath : Path;
}
