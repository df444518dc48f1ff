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

    [LoggerMessage(1536, LogLevel.Error, "{Component}: the emulator's lifecycle failed; the component is BROKEN")]
    public static partial void LifecycleFailed(ILogger logger, string component, Exception exception);

    [LoggerMessage(1537, LogLevel.Warning, "{Component}: {Error}; stopping its processes anyway")]
    public static partial void ShutdownTimedOut(ILogger logger, string component, string error);

    [LoggerMessage(1540, LogLevel.Information, "Token exchange service listening at {Uri}")]
    public static partial void TesListening(ILogger logger, string uri);

    [LoggerMessage(1541, LogLevel.Warning, "Token exchange service has no AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or NucleusEmulatorOptions.TesCredentials): credential requests get HTTP 500 \"Failed to get credentials from TES\"")]
    public static partial void TesWithoutCredentials(ILogger logger);

    [LoggerMessage(1542, LogLevel.Information, "Token exchange service: {Method} {Path} -> {StatusCode}")]
    public static partial void TesRequest(ILogger logger, string method, string path, int statusCode);

    [LoggerMessage(1543, LogLevel.Debug, "Token exchange service: a connection failed")]
    public static partial void TesConnectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(1544, LogLevel.Warning, "Token exchange service: accepting a connection failed")]
    public static partial void TesAcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(1550, LogLevel.Warning, "--update-config for {Component} is ignored: the nucleus applies configuration updates to root components only (add --merge {Component}=VERSION)")]
    public static partial void UpdateForNonRootIgnored(ILogger logger, string component);

    [LoggerMessage(1551, LogLevel.Warning, "{ComponentId} is defined by more than one recipe file; the last one (in path order) is used, as the nucleus's store keeps the last copy")]
    public static partial void RecipeReplaced(ILogger logger, string componentId);

    [LoggerMessage(1552, LogLevel.Error, "{Component}: RESET {Pointer} is skipped: the nucleus cannot reset an element of a list")]
    public static partial void ResetOfListElementSkipped(ILogger logger, string component, string pointer);

    [LoggerMessage(1553, LogLevel.Information, "Deployment: {Message}")]
    public static partial void DeploymentProgress(ILogger logger, string message);

    [LoggerMessage(1535, LogLevel.Warning, "Interpolation placeholder {Placeholder} in {Component}'s lifecycle was left as is: {Reason}")]
    public static partial void PlaceholderUnresolved(ILogger logger, string component, string placeholder, string reason);
}
