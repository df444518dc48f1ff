using Microsoft.Extensions.Logging;

namespace EdgeInference.Aws;

/// <summary>Events of the AWS clients (ids 6000-6099).</summary>
internal static partial class AwsLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Warning, Message = "GreengrassV2 answered {StatusCode} {ErrorType}; retry {Attempt} in {Delay}")]
    public static partial void RetryingGreengrassV2(ILogger logger, int statusCode, string errorType, int attempt, TimeSpan delay);
}
