using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EdgeInference.Greengrass.Ipc.Model;

/// <summary><c>aws.greengrass#MessageContext</c>.</summary>
public sealed class MessageContext
{
    /// <summary>The topic the message was published to.</summary>
    public string? Topic { get; init; }
}

/// <summary><c>aws.greengrass#JsonMessage</c>: a JSON object document.</summary>
public sealed class JsonMessage
{
    /// <summary>The document (must be a JSON object).</summary>
    public JsonObject? Message { get; init; }

    /// <summary>Set on received messages.</summary>
    public MessageContext? Context { get; init; }
}

/// <summary><c>aws.greengrass#BinaryMessage</c>: raw bytes (Base64 on the wire).</summary>
public sealed class BinaryMessage
{
    /// <summary>The bytes.</summary>
    [JsonConverter(typeof(Base64BlobConverter))]
    public byte[]? Message { get; init; }

    /// <summary>Set on received messages.</summary>
    public MessageContext? Context { get; init; }
}

/// <summary><c>aws.greengrass#PublishMessage</c> union: exactly one member.</summary>
public sealed class PublishMessage
{
    /// <summary>A JSON message.</summary>
    public JsonMessage? JsonMessage { get; init; }

    /// <summary>A binary message.</summary>
    public BinaryMessage? BinaryMessage { get; init; }
}

/// <summary><c>aws.greengrass#PublishToTopicRequest</c>.</summary>
public sealed class PublishToTopicRequest
{
    /// <summary>The topic (no wildcards).</summary>
    public required string Topic { get; init; }

    /// <summary>The message.</summary>
    public required PublishMessage PublishMessage { get; init; }
}

/// <summary><c>aws.greengrass#PublishToTopicResponse</c> (empty).</summary>
public sealed class PublishToTopicResponse;

/// <summary><c>aws.greengrass#SubscribeToTopicRequest</c>.</summary>
public sealed class SubscribeToTopicRequest
{
    /// <summary>The topic filter; recent nuclei accept MQTT wildcards.</summary>
    public required string Topic { get; init; }

    /// <summary>Omitted: all messages for exact topics, others' messages for wildcard filters.</summary>
    public ReceiveMode? ReceiveMode { get; init; }
}

/// <summary><c>aws.greengrass#SubscribeToTopicResponse</c>.</summary>
public sealed class SubscribeToTopicResponse
{
    /// <summary>Optional in the model; the nucleus sends none.</summary>
    public string? TopicName { get; init; }
}

/// <summary><c>aws.greengrass#SubscriptionResponseMessage</c> union: one local pub/sub message.</summary>
public sealed class SubscriptionResponseMessage
{
    /// <summary>Set when a JSON message was published.</summary>
    public JsonMessage? JsonMessage { get; init; }

    /// <summary>Set when a binary message was published.</summary>
    public BinaryMessage? BinaryMessage { get; init; }

    /// <summary>The topic the message was published on (read from the message's context; not a member on the wire).</summary>
    [JsonIgnore]
    public string? Topic => JsonMessage?.Context?.Topic ?? BinaryMessage?.Context?.Topic;
}
