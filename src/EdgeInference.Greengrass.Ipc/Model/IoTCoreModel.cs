using System.Text.Json.Serialization;

namespace EdgeInference.Greengrass.Ipc.Model;

/// <summary><c>aws.greengrass#UserProperty</c> (MQTT 5).</summary>
public sealed class UserProperty
{
    /// <summary>The key.</summary>
    public required string Key { get; init; }

    /// <summary>The value.</summary>
    public required string Value { get; init; }
}

/// <summary><c>aws.greengrass#PublishToIoTCoreRequest</c>; the MQTT 5 members need a recent nucleus.</summary>
public sealed class PublishToIoTCoreRequest
{
    /// <summary>The MQTT topic.</summary>
    public required string TopicName { get; init; }

    /// <summary>Quality of service.</summary>
    public required QualityOfService Qos { get; init; }

    /// <summary>The payload bytes.</summary>
    [JsonConverter(typeof(Base64BlobConverter))]
    public byte[]? Payload { get; init; }

    /// <summary>MQTT retain flag.</summary>
    public bool? Retain { get; init; }

    /// <summary>MQTT 5 user properties.</summary>
    public IReadOnlyList<UserProperty>? UserProperties { get; init; }

    /// <summary>MQTT 5 message expiry, seconds.</summary>
    public long? MessageExpiryIntervalSeconds { get; init; }

    /// <summary>MQTT 5 correlation data.</summary>
    public byte[]? CorrelationData { get; init; }

    /// <summary>MQTT 5 response topic.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>MQTT 5 payload format indicator.</summary>
    public PayloadFormat? PayloadFormat { get; init; }

    /// <summary>MQTT 5 content type.</summary>
    public string? ContentType { get; init; }
}

/// <summary><c>aws.greengrass#PublishToIoTCoreResponse</c> (empty).</summary>
public sealed class PublishToIoTCoreResponse;

/// <summary><c>aws.greengrass#SubscribeToIoTCoreRequest</c>.</summary>
public sealed class SubscribeToIoTCoreRequest
{
    /// <summary>The topic filter (MQTT wildcards allowed).</summary>
    public required string TopicName { get; init; }

    /// <summary>Quality of service.</summary>
    public required QualityOfService Qos { get; init; }
}

/// <summary><c>aws.greengrass#SubscribeToIoTCoreResponse</c> (empty).</summary>
public sealed class SubscribeToIoTCoreResponse;

/// <summary><c>aws.greengrass#MQTTMessage</c>.</summary>
public sealed class MqttMessage
{
    /// <summary>The topic the message arrived on.</summary>
    public string? TopicName { get; init; }

    /// <summary>The payload bytes.</summary>
    [JsonConverter(typeof(Base64BlobConverter))]
    public byte[]? Payload { get; init; }

    /// <summary>MQTT retain flag.</summary>
    public bool? Retain { get; init; }

    /// <summary>MQTT 5 user properties.</summary>
    public IReadOnlyList<UserProperty>? UserProperties { get; init; }

    /// <summary>MQTT 5 message expiry, seconds.</summary>
    public long? MessageExpiryIntervalSeconds { get; init; }

    /// <summary>MQTT 5 correlation data.</summary>
    public byte[]? CorrelationData { get; init; }

    /// <summary>MQTT 5 response topic.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>MQTT 5 payload format indicator.</summary>
    public PayloadFormat? PayloadFormat { get; init; }

    /// <summary>MQTT 5 content type.</summary>
    public string? ContentType { get; init; }
}

/// <summary><c>aws.greengrass#IoTCoreMessage</c>: one message from AWS IoT Core.</summary>
public sealed class IoTCoreMessage
{
    /// <summary>The MQTT message.</summary>
    public MqttMessage? Message { get; init; }
}
