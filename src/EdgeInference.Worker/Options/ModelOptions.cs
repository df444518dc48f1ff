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
