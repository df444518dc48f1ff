using EdgeInference.Greengrass.Ipc.Rpc;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Greengrass.Emulator;

/// <summary>Source-generated log messages of the nucleus emulator (event ids 1500–1599).</summary>
internal static partial class Log
{
    [LoggerMessage(1500, LogLevel.Information, "Nucleus emulator listening on {SocketPath}")]
    public static partial void Listening(ILogger logger, string socketPath);

    [LoggerMessage(1501, LogLevel.Information, "Component {Component} connected over IPC")]
    public static partial void ComponentConnected(ILogger logger, string component);

    [LoggerMessage(1502, LogLevel.Warning, "Rejected an IPC connection (:version {Version}, token {TokenProblem})")]
    public static partial void ConnectRejected(ILogger logger, string version, string tokenProblem);

    [LoggerMessage(1503, LogLevel.Warning, "IPC protocol violation by {Component}: {Text}; closing the connection")]
    public static partial void ProtocolViolation(ILogger logger, string component, string text);

    [LoggerMessage(1504, LogLevel.Warning, "Corrupt event-stream frame from {Component}; closing the connection")]
    public static partial void CorruptFrame(ILogger logger, string component, Exception exception);

    [LoggerMessage(1505, LogLevel.Debug, "IPC connection of {Component} failed")]
    public static partial void ConnectionFailed(ILogger logger, string component, Exception exception);

    [LoggerMessage(1506, LogLevel.Warning, "{Component} reported a {Type} and closed: {Text}")]
    public static partial void ClientReportedError(ILogger logger, string component, RpcMessageType type, string text);

    [LoggerMessage(1507, LogLevel.Warning, "{Operation} request from {Component} could not be deserialised")]
    public static partial void RequestUnreadable(ILogger logger, string component, string operation, Exception exception);

    [LoggerMessage(1508, LogLevel.Error, "{Operation} from {Component} failed unexpectedly; answered ServiceError")]
    public static partial void OperationFailed(ILogger logger, string component, string operation, Exception exception);

    [LoggerMessage(1509, LogLevel.Warning, "Accepting an IPC connection failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(1510, LogLevel.Information, "{Component} state {State} ({Source}) {Reason}")]
    public static partial void StateChanged(ILogger logger, string component, ComponentLifecycleState state, StateChangeSource source, string reason);

    [LoggerMessage(1511, LogLevel.Information, "{Component} is not authorized: {Message}")]
    public static partial void NotAuthorized(ILogger logger, string component, string message);

    [LoggerMessage(1512, LogLevel.Error, "{Component}'s accessControl policy {PolicyId} for {Service}: resource '{Resource}' is not loaded, as the nucleus refuses it: {Message}")]
    public static partial void PolicyResourceRefused(ILogger logger, string component, string policyId, string service, string resource, string message);

    [LoggerMessage(1520, LogLevel.Information, "IoT Core bridge connected to MQTT broker {Host}:{Port} as {ClientId}")]
    public static partial void MqttConnected(ILogger logger, string host, int port, string clientId);

    [LoggerMessage(1521, LogLevel.Warning, "IoT Core bridge lost the MQTT broker: {Reason}")]
    public static partial void MqttDisconnected(ILogger logger, string reason);

    [LoggerMessage(1522, LogLevel.Debug, "Delivering an IoT Core message on {Topic} to a subscriber failed")]
    public static partial void MqttDeliveryFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(1530, LogLevel.Information, "{Component} {Step}: starting `{Script}`")]
    public static partial void StepStarting(ILogger logger, string component, string step, string script);

    [LoggerMessage(1531, LogLevel.Information, "{Component} {Step}: exited with {ExitCode}")]
    public static partial void StepExited(ILogger logger, string component, string step, int exitCode);

    [LoggerMessage(1532, LogLevel.Information, "{Component} {Stream}: {Line}")]
    public static partial void ComponentOutput(ILogger logger, string component, string stream, string line);

    [LoggerMessage(1533, LogLevel.Warning, "{Component} {Step}: did not exit within {Timeout} after SIGTERM; killing it")]
    public static partial void KillingAfterTimeout(ILogger logger, string component, string step, TimeSpan timeout);

    [LoggerMessage(1534, LogLevel.Information, "{Component} {Step}: skipped ({SkipIf})")]
    public static partial void StepSkipped(ILogger logger, string component, string step, string skipIf);

    [LoggerMessage(1535, LogLevel.Warning, "Interpolation placeholder {Placeholder} in {Component}'s lifecycle was left as is: {Reason}")]
    public static partial void PlaceholderUnresolved(ILogger logger, string component, string placeholder, string reason);
}
