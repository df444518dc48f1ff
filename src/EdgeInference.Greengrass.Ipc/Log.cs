using EdgeInference.Greengrass.Ipc.Rpc;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Greengrass.Ipc;

/// <summary>Source-generated log messages of the IPC client (event ids 1000–1099).</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Connected to the Greengrass nucleus IPC socket {SocketPath}")]
    public static partial void Connected(ILogger logger, string socketPath);

    [LoggerMessage(1001, LogLevel.Warning, "Greengrass IPC connection lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string reason);

    [LoggerMessage(1002, LogLevel.Warning, "Greengrass IPC reconnect attempt {Attempt} failed; next attempt in {Delay}")]
    public static partial void ReconnectFailed(ILogger logger, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(1003, LogLevel.Information, "Greengrass IPC reconnected; resubscribing {Count} subscription(s)")]
    public static partial void Reconnected(ILogger logger, int count);

    [LoggerMessage(1004, LogLevel.Error, "Resubscribing {Operation} after reconnect failed; the subscription is closed")]
    public static partial void ResubscribeFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(1005, LogLevel.Debug, "Dropped a {Type} for unknown or closed stream {StreamId}")]
    public static partial void DroppedMessageForUnknownStream(ILogger logger, int streamId, RpcMessageType type);

    [LoggerMessage(1006, LogLevel.Warning, "Dropped a {Operation} event that could not be parsed")]
    public static partial void EventUnreadable(ILogger logger, string operation, Exception exception);

    [LoggerMessage(1007, LogLevel.Warning, "Subscription {Operation} buffer full; dropped the oldest event")]
    public static partial void EventDropped(ILogger logger, string operation);

    [LoggerMessage(1008, LogLevel.Debug, "Closing stream {StreamId} failed")]
    public static partial void CloseStreamFailed(ILogger logger, int streamId, Exception exception);

    [LoggerMessage(1009, LogLevel.Debug, "Answering a nucleus ping failed")]
    public static partial void PingResponseFailed(ILogger logger, Exception exception);
}
