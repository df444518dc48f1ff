using System.Text.Json.Serialization;

namespace EdgeInference.Greengrass.Ipc.Model;

/// <summary>MQTT quality of service for IoT Core operations (JSON values <c>"0"</c>/<c>"1"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<QualityOfService>))]
public enum QualityOfService
{
    /// <summary>QoS 0.</summary>
    [JsonStringEnumMemberName("0")]
    AtMostOnce,

    /// <summary>QoS 1.</summary>
    [JsonStringEnumMemberName("1")]
    AtLeastOnce,
}

/// <summary>MQTT 5 payload format indicator (JSON values <c>"0"</c>/<c>"1"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PayloadFormat>))]
public enum PayloadFormat
{
    /// <summary>Unspecified bytes.</summary>
    [JsonStringEnumMemberName("0")]
    Bytes,

    /// <summary>UTF-8 text.</summary>
    [JsonStringEnumMemberName("1")]
    Utf8,
}

/// <summary>Whether a local subscription also receives the subscriber's own publications.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReceiveMode>))]
public enum ReceiveMode
{
    /// <summary>Every message on the topic, including this component's own.</summary>
    [JsonStringEnumMemberName("RECEIVE_ALL_MESSAGES")]
    ReceiveAllMessages,

    /// <summary>Messages from other components only.</summary>
    [JsonStringEnumMemberName("RECEIVE_MESSAGES_FROM_OTHERS")]
    ReceiveMessagesFromOthers,
}

/// <summary>The lifecycle state a component may report with UpdateState.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReportedLifecycleState>))]
public enum ReportedLifecycleState
{
    /// <summary>The component is running.</summary>
    [JsonStringEnumMemberName("RUNNING")]
    Running,

    /// <summary>The component has failed.</summary>
    [JsonStringEnumMemberName("ERRORED")]
    Errored,
}
