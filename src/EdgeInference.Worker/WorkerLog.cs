using Microsoft.Extensions.Logging;

namespace EdgeInference.Worker;

/// <summary>
/// Worker logging: hosting 3000–3099, MQTT head 3100–3199, requests 3200–3299, Greengrass IPC head 3300–3399,
/// models 3400–3499, Greengrass identity 3500–3599. Text that came from a request is escaped before it gets here.
/// </summary>
internal static partial class WorkerLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "RUNNING: serving {Models}; default {Default} on {Provider} (fallback: {Fallback})")]
    public static partial void Running(ILogger logger, string models, string @default, string provider, string fallback);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Critical, Message = "The worker's model could not be loaded: {Reason}")]
    public static partial void ModelLoadFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Address}:{Port}; client credentials: {Credentials}")]
    public static partial void EmbeddedBrokerStarted(ILogger logger, string address, int port, string credentials);

    [LoggerMessage(EventId = 3120, Level = LogLevel.Warning, Message = "Embedded MQTT broker: closed the connection from {Remote}: it sent a packet of {DeclaredBytes} bytes, over the limit of {MaxBytes} (Limits:MaxPayloadBytes plus headers)")]
    public static partial void EmbeddedBrokerPacketRefused(ILogger logger, string remote, long declaredBytes, long maxBytes);

    [LoggerMessage(EventId = 3121, Level = LogLevel.Warning, Message = "Embedded MQTT broker: refused client '{ClientId}' from {Remote}: {ReasonCode}")]
    public static partial void EmbeddedBrokerClientRefused(ILogger logger, string remote, string clientId, string reasonCode);

    [LoggerMessage(EventId = 3122, Level = LogLevel.Warning, Message = "Embedded MQTT broker: refused a publish by '{ClientId}' on the worker's own topic {Topic}")]
    public static partial void EmbeddedBrokerPublishRefused(ILogger logger, string clientId, string topic);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Connected to MQTT broker {Host}:{Port} as {ClientId} (session kept by the broker: {SessionPresent})")]
    public static partial void MqttConnected(ILogger logger, string host, int port, string clientId, bool sessionPresent);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "The broker refused the reply to {Topic}: {ReasonCode} {Reason}")]
    public static partial void MqttReplyRefused(ILogger logger, string topic, string reasonCode, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "MQTT broker {Host}:{Port} not reachable (attempt {Attempt}), retrying in {DelaySeconds:F1} s: {Reason}")]
    public static partial void MqttConnectFailed(ILogger logger, string host, int port, int attempt, double delaySeconds, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Serving requests on {RequestFilters} and describe on {DescribeTopic}")]
    public static partial void MqttSubscribed(ILogger logger, string requestFilters, string describeTopic);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "Disconnecting with {Count} received requests not yet acknowledged after {Seconds:F0} s: the broker delivers them again to the next session")]
    public static partial void MqttDisconnectingWithUnacknowledged(ILogger logger, int count, double seconds);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Information, Message = "Serving requests on {RequestFilters} and describe on {DescribeTopic}, taken inside the embedded broker")]
    public static partial void MqttLocalIntake(ILogger logger, string requestFilters, string describeTopic);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "MQTT {Operation} failed")]
    public static partial void MqttOperationFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Information, Message = "Status {Status} published on {Topic}")]
    public static partial void StatusPublished(ILogger logger, string status, string topic);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Error, Message = "The reply to request {RequestId} on {Topic} is lost: {Reason}")]
    public static partial void ReplyDropped(ILogger logger, string requestId, string topic, string reason);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Request {RequestId} refused: {Code}: {Reason}")]
    public static partial void RequestRefused(ILogger logger, string requestId, string code, string reason);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Error, Message = "Request {RequestId} failed")]
    public static partial void RequestFailed(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Error, Message = "A request handler crashed; the worker keeps serving")]
    public static partial void RequestCrashed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Connected to the Greengrass nucleus at {SocketPath} (Ipc:Target {Target})")]
    public static partial void IpcConnected(ILogger logger, string socketPath, string target);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "Serving requests on {RequestTopics} and describe on {DescribeTopic} over Greengrass IPC ({Target})")]
    public static partial void IpcSubscribed(ILogger logger, string requestTopics, string describeTopic, string target);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "Greengrass IPC {Operation} failed")]
    public static partial void IpcOperationFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Information, Message = "Status {Status} published on {Topic} over Greengrass IPC")]
    public static partial void IpcStatusPublished(ILogger logger, string status, string topic);

    [LoggerMessage(EventId = 3305, Level = LogLevel.Information, Message = "Reported component state {State} to the nucleus")]
    public static partial void IpcStateReported(ILogger logger, string state);

    [LoggerMessage(EventId = 3306, Level = LogLevel.Warning, Message = "The IPC subscription {Operation} ended; no more messages arrive on it")]
    public static partial void IpcSubscriptionEnded(ILogger logger, string operation, Exception? exception);

    [LoggerMessage(EventId = 3307, Level = LogLevel.Information, Message = "Component configuration changed at {KeyPath}")]
    public static partial void ConfigurationChanged(ILogger logger, string keyPath);

    [LoggerMessage(EventId = 3308, Level = LogLevel.Warning, Message = "Reply to {Topic} refused by the nucleus: {Reason}")]
    public static partial void ReplyTopicRefused(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 3309, Level = LogLevel.Warning, Message = "Request on {Topic} not served: {Reason}")]
    public static partial void RequestOnUnservedSide(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 3314, Level = LogLevel.Warning, Message = "Not yet serving AWS IoT Core (attempt {Attempt}, next in {DelaySeconds:F1} s; local pub/sub is served): {Reason}")]
    public static partial void IpcIoTCoreNotYet(ILogger logger, int attempt, double delaySeconds, string reason);

    [LoggerMessage(EventId = 3315, Level = LogLevel.Information, Message = "Now also serving AWS IoT Core on {Topics}")]
    public static partial void IpcIoTCoreJoined(ILogger logger, string topics);

    [LoggerMessage(EventId = 3313, Level = LogLevel.Debug, Message = "Not watching {Topic} on the side Ipc:Target does not serve: {Reason}")]
    public static partial void IpcOtherSideUnwatched(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 3310, Level = LogLevel.Information, Message = "Loading model {NewPath} beside {OldPath} after a configuration update")]
    public static partial void ModelSwapStarted(ILogger logger, string oldPath, string newPath);

    [LoggerMessage(EventId = 3311, Level = LogLevel.Information, Message = "Now serving model {Model} (sha256 {Sha256}) from {Path}")]
    public static partial void ModelSwapped(ILogger logger, string model, string sha256, string path);

    [LoggerMessage(EventId = 3312, Level = LogLevel.Error, Message = "Model update to {Path} failed; the previous model keeps serving: {Reason}")]
    public static partial void ModelSwapFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Serving model {Model} of component {Component} {Version} on {Provider}")]
    public static partial void ComponentModelLoaded(ILogger logger, string model, string component, string version, string provider);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Error, Message = "Model {Model} of component {Component} cannot be served: {Reason}")]
    public static partial void ComponentModelFailed(ILogger logger, string model, string component, string reason);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Information, Message = "Model {Model} of component {Component} unloaded (its registration was removed)")]
    public static partial void ComponentModelUnloaded(ILogger logger, string model, string component);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Warning, Message = "The registration of {Component} cannot be read: {Problem}")]
    public static partial void RegistrationUnreadable(ILogger logger, string component, string problem);

    [LoggerMessage(EventId = 3405, Level = LogLevel.Warning, Message = "Cannot write the registration status of {Component}: {Reason}")]
    public static partial void RegistrationStatusNotWritten(ILogger logger, string component, string reason);

    [LoggerMessage(EventId = 3406, Level = LogLevel.Warning, Message = "Not watching the model repository {Folder} for changes (rescanning instead): {Reason}")]
    public static partial void RepositoryWatchFailed(ILogger logger, string folder, string reason);

    [LoggerMessage(EventId = 3407, Level = LogLevel.Information, Message = "The bundled sample {Model} is no longer served: model components are registered")]
    public static partial void SampleRetired(ILogger logger, string model);

    [LoggerMessage(EventId = 3408, Level = LogLevel.Error, Message = "Applying a model change ({Trigger}) failed")]
    public static partial void ModelChangeFailed(ILogger logger, string trigger, Exception exception);

    [LoggerMessage(EventId = 3409, Level = LogLevel.Information, Message = "Configuration of component {Component} changed at {KeyPath}")]
    public static partial void ComponentConfigurationChanged(ILogger logger, string component, string keyPath);

    [LoggerMessage(EventId = 3410, Level = LogLevel.Warning, Message = "Cannot read the configuration of component {Component} (its packaging description is the manifest's): {Reason}")]
    public static partial void ComponentSettingsUnavailable(ILogger logger, string component, string reason);

    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "AWS account {Account}: component ARNs are known")]
    public static partial void AccountResolved(ILogger logger, string account);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Warning, Message = "The AWS account is unknown, so derived ComponentVersionArns are null: {Reason}")]
    public static partial void AccountUnknown(ILogger logger, string reason);

    [LoggerMessage(EventId = 3601, Level = LogLevel.Debug, Message = "Metrics published on {Topic}")]
    public static partial void MetricsPublished(ILogger logger, string topic);
}
