using EdgeInference.Core.Inference;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Onnx;

/// <summary>The ONNX Runtime implementation of <see cref="IInferenceEngineLoader"/>.</summary>
public sealed class OnnxEngineLoader : IInferenceEngineLoader
{
    private readonly ILogger _logger;

    public OnnxEngineLoader(ILogger<OnnxEngineLoader> logger) => _logger = logger;

    public IInferenceEngine Load(ModelLoadOptions options, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return OnnxInferenceEngine.Load(options, _logger);
    }
}
