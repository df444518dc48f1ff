using EdgeInference.Core.Inference;
using EdgeInference.Core.Packaging;
using EdgeInference.Onnx;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Models;

/// <summary>Owns the loaded model the heads serve. Null until loaded and warmed.</summary>
public sealed class ModelHost : IDisposable
{
    private readonly ModelOptions _modelOptions;
    private readonly LimitsOptions _limits;
    private readonly ModelPackagingDescription? _packagingOverride;
    private readonly ILogger<ModelHost> _logger;
    private volatile IInferenceEngine? _engine;

    public ModelHost(IOptions<ModelOptions> modelOptions, IOptions<LimitsOptions> limits, PackagingDescriptionSource packaging, ILogger<ModelHost> logger)
    {
        _modelOptions = modelOptions.Value;
        _limits = limits.Value;
        _packagingOverride = packaging.Description;
        _logger = logger;
    }

    public IInferenceEngine? Engine => _engine;

    public ModelOptions Options => _modelOptions;

    /// <summary>
    /// Intra-op threads each session run uses: Model:IntraOpThreads, or (0) the cores shared out among the
    /// Limits:MaxConcurrentRequests runs, so concurrent runs do not oversubscribe the CPU.
    /// </summary>
    public int EffectiveIntraOpThreads => _modelOptions.IntraOpThreads > 0
        ? _modelOptions.IntraOpThreads
        : Math.Max(1, Environment.ProcessorCount / _limits.MaxConcurrentRequests);

    /// <summary>Loads, validates and warms the configured package (blocking; call off the request path).</summary>
    public void Load()
    {
        var engine = OnnxInferenceEngine.Load(
            new OnnxEngineOptions
            {
                PackagePath = _modelOptions.EffectivePath,
                Accelerator = Enum.Parse<Accelerator>(_modelOptions.Accelerator, ignoreCase: true),
                IntraOpThreads = EffectiveIntraOpThreads,
                AllowSpinning = _modelOptions.AllowSpinning,
                UseTensorRt = _modelOptions.UseTensorRt,
                TensorRtCachePath = _modelOptions.TensorRtCachePath,
                GpuDeviceId = _modelOptions.GpuDeviceId,
                MaxImagePixels = _limits.MaxImagePixels,
                PackagingDescriptionOverride = _packagingOverride,
            },
            _logger);
        var previous = Interlocked.Exchange(ref _engine, engine);
        previous?.Dispose();
    }

    public void Dispose() => Interlocked.Exchange(ref _engine, null)?.Dispose();
}
