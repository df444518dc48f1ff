using Microsoft.Extensions.Logging;

namespace EdgeInference.LookoutVision.Api;

/// <summary>Events of the local Lookout for Vision endpoint (ids 5000-5099).</summary>
internal static partial class LookoutVisionApiLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Model packaging job {Project}/{Job} finished {Status}: {StatusMessage}")]
    public static partial void JobFinished(ILogger logger, string project, string job, string status, string? statusMessage);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "Model packaging job {Project}/{Job} could not be run")]
    public static partial void JobCrashed(ILogger logger, string project, string job, Exception exception);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Training of model {Project}/{Version} finished {Status}: {StatusMessage}")]
    public static partial void TrainingFinished(ILogger logger, string project, string version, string status, string? statusMessage);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "{Method} {Path} refused: {ErrorType}")]
    public static partial void RequestRefused(ILogger logger, string method, string path, string errorType);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Requests must be signed (SigV4, service lookoutvision) with access key {AccessKeyId} from {Source}")]
    public static partial void SigningKey(ILogger logger, string accessKeyId, string source);
}
