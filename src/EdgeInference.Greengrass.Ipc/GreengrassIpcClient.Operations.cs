using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Ipc.Model;

namespace EdgeInference.Greengrass.Ipc;

public sealed partial class GreengrassIpcClient
{
    /// <summary>
    /// Publishes raw bytes to a local pub/sub topic (PublishToTopic, binaryMessage). The bytes are Base64-encoded straight
    /// into a pooled request buffer (no copy of the message, no request left behind as garbage).
    /// </summary>
    public Task PublishToTopicAsync(string topic, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) =>
        InvokeAsync(IpcOperations.PublishToTopic, PublishRequestWriter.Binary(topic, message.Span), cancellationToken);

    /// <summary>Publishes a JSON object to a local pub/sub topic (PublishToTopic, jsonMessage).</summary>
    public Task PublishToTopicAsync(string topic, JsonObject message, CancellationToken cancellationToken = default) =>
        InvokeAsync(
            IpcOperations.PublishToTopic,
            new PublishToTopicRequest { Topic = topic, PublishMessage = new PublishMessage { JsonMessage = new JsonMessage { Message = message } } },
            cancellationToken);

    /// <summary>
    /// Publishes a JSON object that is already UTF-8 JSON text (PublishToTopic, jsonMessage) without parsing it into a
    /// document first: the bytes are written into the request as they are.
    /// </summary>
    /// <param name="jsonObject">One JSON object, UTF-8; the caller vouches for its validity.</param>
    public Task PublishJsonToTopicAsync(string topic, ReadOnlyMemory<byte> jsonObject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return InvokeAsync(IpcOperations.PublishToTopic, PublishRequestWriter.Json(topic, jsonObject.Span), cancellationToken);
    }

    /// <summary>Subscribes to a local pub/sub topic; each event holds a binary or a JSON message.</summary>
    public Task<IpcSubscription<SubscriptionResponseMessage>> SubscribeToTopicAsync(
        string topic, ReceiveMode? receiveMode = null, CancellationToken cancellationToken = default) =>
        SubscribeAsync(IpcOperations.SubscribeToTopic, new SubscribeToTopicRequest { Topic = topic, ReceiveMode = receiveMode }, cancellationToken);

    /// <summary>
    /// Subscribes to a local pub/sub topic like <see cref="SubscribeToTopicAsync"/>, but reads each event without a document
    /// model: a binary message's bytes decoded once, a JSON message as its UTF-8 text exactly as sent (see <see cref="RawTopicMessage"/>).
    /// For a receiver that parses the message itself; same wire request, same events.
    /// </summary>
    public Task<IpcSubscription<RawTopicMessage>> SubscribeToTopicRawAsync(
        string topic, ReceiveMode? receiveMode = null, CancellationToken cancellationToken = default) =>
        SubscribeAsync(
            IpcOperations.SubscribeToTopic.Operation,
            IpcOperations.SubscribeToTopic.EventShape,
            RawTopicMessageReader.Read,
            new SubscribeToTopicRequest { Topic = topic, ReceiveMode = receiveMode },
            cancellationToken);

    /// <summary>Publishes to AWS IoT Core through the nucleus's MQTT connection (MQTT 5 fields optional).</summary>
    public Task PublishToIoTCoreAsync(PublishToIoTCoreRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync(IpcOperations.PublishToIoTCore, request, cancellationToken);

    /// <summary>Subscribes to an AWS IoT Core topic filter through the nucleus.</summary>
    public Task<IpcSubscription<IoTCoreMessage>> SubscribeToIoTCoreAsync(
        string topicName, QualityOfService qos = QualityOfService.AtLeastOnce, CancellationToken cancellationToken = default) =>
        SubscribeAsync(IpcOperations.SubscribeToIoTCore, new SubscribeToIoTCoreRequest { TopicName = topicName, Qos = qos }, cancellationToken);

    /// <summary>Reads component configuration (the caller's, unless <paramref name="componentName"/> is given).</summary>
    /// <exception cref="ResourceNotFoundErrorException">The key path does not exist.</exception>
    public Task<GetConfigurationResponse> GetConfigurationAsync(
        IReadOnlyList<string>? keyPath = null, string? componentName = null, CancellationToken cancellationToken = default) =>
        InvokeAsync(IpcOperations.GetConfiguration, new GetConfigurationRequest { KeyPath = keyPath, ComponentName = componentName }, cancellationToken);

    /// <summary>Subscribes to configuration changes; each event names the changed key path (then call <see cref="GetConfigurationAsync"/>).</summary>
    public Task<IpcSubscription<ConfigurationUpdateEvents>> SubscribeToConfigurationUpdateAsync(
        IReadOnlyList<string>? keyPath = null, string? componentName = null, CancellationToken cancellationToken = default) =>
        SubscribeAsync(
            IpcOperations.SubscribeToConfigurationUpdate,
            new SubscribeToConfigurationUpdateRequest { KeyPath = keyPath, ComponentName = componentName },
            cancellationToken);

    /// <summary>Reports this component's state (RUNNING or ERRORED) to the nucleus.</summary>
    public Task UpdateStateAsync(ReportedLifecycleState state, CancellationToken cancellationToken = default) =>
        InvokeAsync(IpcOperations.UpdateState, new UpdateStateRequest { State = state }, cancellationToken);
}
