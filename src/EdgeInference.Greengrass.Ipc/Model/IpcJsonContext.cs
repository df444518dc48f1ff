using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EdgeInference.Greengrass.Ipc.Model;

/// <summary>Source-generated JSON for every IPC shape: lowerCamelCase members, absent optionals omitted, Base64 blobs.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConnectPayload))]
[JsonSerializable(typeof(PublishToTopicRequest))]
[JsonSerializable(typeof(PublishToTopicResponse))]
[JsonSerializable(typeof(SubscribeToTopicRequest))]
[JsonSerializable(typeof(SubscribeToTopicResponse))]
[JsonSerializable(typeof(SubscriptionResponseMessage))]
[JsonSerializable(typeof(PublishToIoTCoreRequest))]
[JsonSerializable(typeof(PublishToIoTCoreResponse))]
[JsonSerializable(typeof(SubscribeToIoTCoreRequest))]
[JsonSerializable(typeof(SubscribeToIoTCoreResponse))]
[JsonSerializable(typeof(IoTCoreMessage))]
[JsonSerializable(typeof(GetConfigurationRequest))]
[JsonSerializable(typeof(GetConfigurationResponse))]
[JsonSerializable(typeof(SubscribeToConfigurationUpdateRequest))]
[JsonSerializable(typeof(SubscribeToConfigurationUpdateResponse))]
[JsonSerializable(typeof(ConfigurationUpdateEvents))]
[JsonSerializable(typeof(UpdateStateRequest))]
[JsonSerializable(typeof(UpdateStateResponse))]
[JsonSerializable(typeof(JsonObject))]
public sealed partial class IpcJsonContext : JsonSerializerContext;
