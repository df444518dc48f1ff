using System.Text.Json.Serialization.Metadata;

namespace EdgeInference.Greengrass.Ipc.Model;

/// <summary>An operation: its wire name, response shape and JSON contracts.</summary>
public sealed record IpcOperation<TRequest, TResponse>(
    string Name,
    string ResponseShape,
    JsonTypeInfo<TRequest> RequestInfo,
    JsonTypeInfo<TResponse> ResponseInfo);

/// <summary>A streaming operation: an <see cref="IpcOperation{TRequest, TResponse}"/> plus its event shape.</summary>
public sealed record IpcStreamingOperation<TRequest, TResponse, TEvent>(
    IpcOperation<TRequest, TResponse> Operation,
    string EventShape,
    JsonTypeInfo<TEvent> EventInfo);

/// <summary>The operations this client implements (names as in the Greengrass service model).</summary>
public static class IpcOperations
{
    private const string Prefix = "aws.greengrass#";

    /// <summary>PublishToTopic.</summary>
    public static readonly IpcOperation<PublishToTopicRequest, PublishToTopicResponse> PublishToTopic = new(
        Prefix + "PublishToTopic", Prefix + "PublishToTopicResponse", IpcJsonContext.Default.PublishToTopicRequest, IpcJsonContext.Default.PublishToTopicResponse);

    /// <summary>SubscribeToTopic.</summary>
    public static readonly IpcStreamingOperation<SubscribeToTopicRequest, SubscribeToTopicResponse, SubscriptionResponseMessage> SubscribeToTopic = new(
        new(Prefix + "SubscribeToTopic", Prefix + "SubscribeToTopicResponse", IpcJsonContext.Default.SubscribeToTopicRequest, IpcJsonContext.Default.SubscribeToTopicResponse),
        Prefix + "SubscriptionResponseMessage",
        IpcJsonContext.Default.SubscriptionResponseMessage);

    /// <summary>PublishToIoTCore.</summary>
    public static readonly IpcOperation<PublishToIoTCoreRequest, PublishToIoTCoreResponse> PublishToIoTCore = new(
        Prefix + "PublishToIoTCore", Prefix + "PublishToIoTCoreResponse", IpcJsonContext.Default.PublishToIoTCoreRequest, IpcJsonContext.Default.PublishToIoTCoreResponse);

    /// <summary>SubscribeToIoTCore.</summary>
    public static readonly IpcStreamingOperation<SubscribeToIoTCoreRequest, SubscribeToIoTCoreResponse, IoTCoreMessage> SubscribeToIoTCore = new(
        new(Prefix + "SubscribeToIoTCore", Prefix + "SubscribeToIoTCoreResponse", IpcJsonContext.Default.SubscribeToIoTCoreRequest, IpcJsonContext.Default.SubscribeToIoTCoreResponse),
        Prefix + "IoTCoreMessage",
        IpcJsonContext.Default.IoTCoreMessage);

    /// <summary>GetConfiguration.</summary>
    public static readonly IpcOperation<GetConfigurationRequest, GetConfigurationResponse> GetConfiguration = new(
        Prefix + "GetConfiguration", Prefix + "GetConfigurationResponse", IpcJsonContext.Default.GetConfigurationRequest, IpcJsonContext.Default.GetConfigurationResponse);

    /// <summary>SubscribeToConfigurationUpdate.</summary>
    public static readonly IpcStreamingOperation<SubscribeToConfigurationUpdateRequest, SubscribeToConfigurationUpdateResponse, ConfigurationUpdateEvents> SubscribeToConfigurationUpdate = new(
        new(Prefix + "SubscribeToConfigurationUpdate", Prefix + "SubscribeToConfigurationUpdateResponse", IpcJsonContext.Default.SubscribeToConfigurationUpdateRequest, IpcJsonContext.Default.SubscribeToConfigurationUpdateResponse),
        Prefix + "ConfigurationUpdateEvents",
        IpcJsonContext.Default.ConfigurationUpdateEvents);

    /// <summary>UpdateState.</summary>
    public static readonly IpcOperation<UpdateStateRequest, UpdateStateResponse> UpdateState = new(
        Prefix + "UpdateState", Prefix + "UpdateStateResponse", IpcJsonContext.Default.UpdateStateRequest, IpcJsonContext.Default.UpdateStateResponse);
}
