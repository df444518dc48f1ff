using EdgeInference.Core.Inference;
using EdgeInference.Core.Packaging;
using EdgeInference.Onnx;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Models;

/// <summary>
/// Owns the loaded model the heads serve (null until loaded and warmed). A new package is loaded and warmed beside
/// the current one and swapped in atomically; the old engine is disposed once the requests running on it finish.
/// </summary>
public sealed class ModelHost : IDisposable
{
    private readonly LimitsOptions _limits;
    private readonly ILogger<ModelHost> _logger;
    private readonly Lock _swapGate = new();
    private volatile EngineHandle? _current;
    private ModelOptions _modelOptions;
    private ModelPackagingDescription? _packagingOverride;

    public ModelHost(IOptions<ModelOptions> modelOptions, IOptions<LimitsOptions> limits, PackagingDescriptionSource packaging, ILogger<ModelHost> logger)
    {
        _modelOptions = modelOptions.Value;
        _limits = limits.Value;
        _packagingOverride = packaging.Description;
        _logger = logger;
    }

    /// <summary>The current engine, for metadata (describe, status). Requests take a <see cref="TryAcquire"/> lease instead.</summary>
    public IInferenceEngine? Engine => _current?.Engine;

    /// <summary>The options the current model was loaded with.</summary>
    public ModelOptions Options => Volatile.Read(ref _modelOptions);

    /// <summary>The configured packaging description the current model was loaded with.</summary>
    public ModelPackagingDescription? PackagingOverride => Volatile.Read(ref _packagingOverride);

    /// <summary>
    /// Intra-op threads each session run uses: Model:IntraOpThreads, or (0) the cores shared out among the
    /// Limits:MaxConcurrentRequests runs, so concurrent runs do not oversubscribe the CPU.
    /// </summary>
    public int EffectiveIntraOpThreads => EffectiveThreads(Options);

    /// <summary>A reference to the current engine that keeps it alive until disposed; false before the first load.</summary>
    public bool TryAcquire(out EngineLease lease)
    {
        while (_current is { } handle)
        {
            if (handle.TryAddReference())
            {
                lease = new EngineLease(handle);
                return true;
            }
        }

        lease = default;
        return false;
    }

    /// <summary>Loads, validates and warms the configured package (blocking; call off the request path).</summary>
    public void Load() => Install(LoadEngine(Options, PackagingOverride), Options, PackagingOverride);

    /// <summary>
    /// Loads and warms <paramref name="options"/>' package beside the current one, then swaps it in. Throws (and the
    /// current model keeps serving) when the new package cannot be served.
    /// </summary>
    public void Swap(ModelOptions options, ModelPackagingDescription? packagingOverride)
    {
        ArgumentNullException.ThrowIfNull(options);
        Install(LoadEngine(options, packagingOverride), options, packagingOverride);
    }

    /// <summary>Makes <paramref name="engine"/> current; the previous one is disposed after its last running request.</summary>
    internal void Install(IInferenceEngine engine, ModelOptions options, ModelPackagingDescription? packagingOverride)
    {
        EngineHandle? previous;
        lock (_swapGate)
        {
            Volatile.Write(ref _modelOptions, options);
            Volatile.Write(ref _packagingOverride, packagingOverride);
            previous = Interlocked.Exchange(ref _current, new EngineHandle(engine));
        }

        previous?.Release();
    }

    public void Dispose() => Interlocked.Exchange(ref _current, null)?.Release();

    private int EffectiveThreads(ModelOptions options) => options.IntraOpThreads > 0
        ? options.IntraOpThreads
        : Math.Max(1, Environment.ProcessorCount / _limits.MaxConcurrentRequests);

    private IInferenceEngine LoadEngine(ModelOptions options, ModelPackagingDescription? packagingOverride) =>
        OnnxInferenceEngine.Load(
            new OnnxEngineOptions
            {
                PackagePath = options.EffectivePath,
                Accelerator = Enum.Parse<Accelerator>(options.Accelerator, ignoreCase: true),
                IntraOpThreads = EffectiveThreads(options),
                AllowSpinning = options.AllowSpinning,
                GraphOptimization = Enum.Parse<GraphOptimization>(options.GraphOptimization, ignoreCase: true),
                OptimizedModelCacheDirectory = options.EffectiveOptimizedModelCache,
                UseTensorRt = options.UseTensorRt,
                TensorRtCachePath = options.TensorRtCachePath,
                GpuDeviceId = options.GpuDeviceId,
                MaxImagePixels = _limits.MaxImagePixels,
                PackagingDescriptionOverride = packagingOverride,
            },
            _logger);
}
