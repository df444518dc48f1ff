using Microsoft.Extensions.Logging;

namespace EdgeInference.Onnx;

/// <summary>Inference logging (event ids 2000–2999).</summary>
internal static partial class OnnxLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "GPU session created on {Provider} (device {DeviceId})")]
    public static partial void GpuSessionCreated(ILogger logger, string provider, int deviceId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Falling back to CPU: {Reason}")]
    public static partial void GpuFallback(ILogger logger, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Loaded the model as ONNX Runtime optimised it on this machine before: {Path}")]
    public static partial void OptimizedModelLoaded(ILogger logger, string path);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Kept the optimised model for the next start: {Path}")]
    public static partial void OptimizedModelStored(ILogger logger, string path);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Optimised-model cache at {Path} not used: {Reason}")]
    public static partial void OptimizedModelUnusable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Model {Name} decodes images with {Decoder} ({Library}); fallback reason: {Reason}")]
    public static partial void ImageDecoderChosen(ILogger logger, string name, string decoder, string library, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Model {Name} ({Task}, sha256 {Sha256}) loaded in {LoadMs:F0} ms, warmed up in {WarmupMs:F0} ms on {Provider}")]
    public static partial void ModelLoaded(ILogger logger, string name, string task, string sha256, double loadMs, double warmupMs, string provider);
}
