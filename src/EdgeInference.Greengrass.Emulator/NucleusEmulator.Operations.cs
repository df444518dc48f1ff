using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Authorization;
using EdgeInference.Greengrass.Emulator.Rpc;
using EdgeInference.Greengrass.Emulator.Services;
using EdgeInference.Greengrass.Ipc.Model;

namespace EdgeInference.Greengrass.Emulator;

/// <summary>The operation handlers, with the nucleus agents' validation, authorization and texts.</summary>
public sealed partial class NucleusEmulator
{
    private const string UpdateConfigurationOperation = GreengrassServiceModel.Prefix + "UpdateConfiguration";

    Task IIpcServiceHost.HandleAsync(OperationContext context) => context.Operation switch
    {
        var op when op == IpcOperations.PublishToTopic.Name => PublishToTopicAsync(context),
        var op when op == IpcOperations.SubscribeToTopic.Operation.Name => SubscribeToTopicAsync(context),
        var op when op == IpcOperations.PublishToIoTCore.Name => PublishToIoTCoreAsync(context),
        var op when op == IpcOperations.SubscribeToIoTCore.Operation.Name => SubscribeToIoTCoreAsync(context),
        var op when op == IpcOperations.GetConfiguration.Name => GetConfigurationAsync(context),
        var op when op == IpcOperations.SubscribeToConfigurationUpdate.Operation.Name => SubscribeToConfigurationUpdateAsync(context),
        var op when op == IpcOperations.UpdateState.Name => UpdateStateAsync(context),
        UpdateConfigurationOperation => UpdateOwnConfigurationAsync(context),
        var op when GreengrassServiceModel.Operations.Contains(op) =>
            throw NucleusErrors.Service($"Operation {op} is not supported by Greengrass"),
        var op => throw new UnsupportedOperationException(op),
    };

    private static bool HasAnyWildcard(string topic) => TopicFilter.HasMqttWildcard(topic) || topic.Contains('*', StringComparison.Ordinal);

    /// <summary>
    /// AuthorizationHandler.isAuthorized for a local pub/sub call: an empty topic is refused with the module's own
    /// message; an absent one passes when any policy lists the operation (the nucleus matches a null resource so), and
    /// the agent's own validation answers next.
    /// </summary>
    private void AuthorizePubSub(OperationContext context, string? topic)
    {
        if (topic is { Length: 0 })
        {
            DenyPubSub(context, "Resource cannot be empty");
        }

        var accessControl = AccessControlOf(context.ComponentName);
        var authorized = topic is null
            ? accessControl.Policies.Any(p => p.Service == AccessControl.PubSubService && (p.Operations.Contains(context.Operation) || p.Operations.Contains(AccessControl.AnyOperation)))
            : accessControl.IsAuthorized(AccessControl.PubSubService, context.Operation, topic, ResourceLookup.Standard);
        if (!authorized)
        {
            DenyPubSub(context, $"Principal {context.ComponentName} is not authorized to perform {AccessControl.PubSubService}:{context.Operation} on resource {topic ?? "null"}");
        }
    }

    private void DenyPubSub(OperationContext context, string message)
    {
        Log.NotAuthorized(_logger, context.ComponentName, message);
        throw NucleusErrors.Unauthorized(message);
    }

    /// <summary>MqttProxyIPCAgent.doAuthorization: any refusal (an empty topic included) answers "Not Authorized".</summary>
    private void AuthorizeMqttProxy(OperationContext context, string topic)
    {
        if (topic.Length == 0 || !AccessControlOf(context.ComponentName).IsAuthorized(AccessControl.MqttProxyService, context.Operation, topic, ResourceLookup.MqttStyle))
        {
            Log.NotAuthorized(_logger, context.ComponentName, $"Principal {context.ComponentName} is not authorized to perform {AccessControl.MqttProxyService}:{context.Operation} on resource {topic}");
            throw NucleusErrors.Unauthorized(NucleusErrors.NotAuthorized);
        }
    }

    /// <summary>MqttProxyIPCAgent.validateQoS.</summary>
    private static void ValidateQos(JsonObject request)
    {
        switch (OperationContext.Text(request, "qos"))
        {
            case null:
                throw NucleusErrors.InvalidArguments("QoS is required");
            case "0" or "1":
                return;
            case var other:
                throw NucleusErrors.InvalidArguments($"Invalid QoS value: {other}");
        }
    }

    // PubSubIPCEventStreamAgent: authorization first, then the topic rules.
    private async Task PublishToTopicAsync(OperationContext context)
    {
        if (BinaryPublishRelay.TryRead(context.Payload.Span, out var binaryTopic, out var base64))
        {
            await RelayBinaryAsync(context, binaryTopic, base64).ConfigureAwait(false);
            return;
        }

        var raw = context.ReadObject();
        var topic = OperationContext.Text(raw, "topic");
        AuthorizePubSub(context, topic);
        if (topic is null)
        {
            throw NucleusErrors.InvalidArguments("Publish topic must not be null");
        }

        if (HasAnyWildcard(topic))
        {
            throw NucleusErrors.InvalidArguments("Publish topic must not contain a wildcard.");
        }

        var request = context.Read(IpcJsonContext.Default.PublishToTopicRequest);
        var message = request.PublishMessage;
        if ((message.JsonMessage is null) == (message.BinaryMessage is null))
        {
            throw NucleusErrors.InvalidArguments("Publish message must contain exactly one of jsonMessage or binaryMessage.");
        }

        await _pubSub.PublishAsync(context.ComponentName, request.Topic, message, context.CancellationToken).ConfigureAwait(false);
        await RespondPublishedAsync(context).ConfigureAwait(false);
    }

    /// <summary>The typed path's checks in its order, then the event written around the Base64 as it came.</summary>
    private async Task RelayBinaryAsync(OperationContext context, string topic, Range base64)
    {
        AuthorizePubSub(context, topic);
        if (HasAnyWildcard(topic))
        {
            throw NucleusErrors.InvalidArguments("Publish topic must not contain a wildcard.");
        }

        var (rented, length) = BinaryPublishRelay.WriteEvent(topic, context.Payload.Span[base64]);
        try
        {
            await _pubSub.PublishEventAsync(context.ComponentName, topic, rented.AsMemory(0, length), context.CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        await RespondPublishedAsync(context).ConfigureAwait(false);
    }

    private static ValueTask<bool> RespondPublishedAsync(OperationContext context) =>
        context.Stream.RespondAsync(
            IpcOperations.PublishToTopic.ResponseShape, new PublishToTopicResponse(), IpcJsonContext.Default.PublishToTopicResponse, terminate: true, context.CancellationToken);

    private async Task SubscribeToTopicAsync(OperationContext context)
    {
        var topic = OperationContext.Text(context.ReadObject(), "topic");
        AuthorizePubSub(context, topic);
        if (string.IsNullOrEmpty(topic))
        {
            throw NucleusErrors.InvalidArguments("Subscribe topic must not be empty");
        }

        var request = context.Read(IpcJsonContext.Default.SubscribeToTopicRequest);
        var mode = request.ReceiveMode ?? (TopicFilter.HasMqttWildcard(request.Topic) ? ReceiveMode.ReceiveMessagesFromOthers : ReceiveMode.ReceiveAllMessages);
        // Subscribed before answering, as the nucleus does: a message published as soon as the client sees the response
        // is delivered (the stream holds events back until its response is out).
        var subscription = _pubSub.Subscribe(context.ComponentName, request.Topic, mode, context.Stream);
        await context.Stream.RespondAsync(
            IpcOperations.SubscribeToTopic.Operation.ResponseShape, new SubscribeToTopicResponse(), IpcJsonContext.Default.SubscribeToTopicResponse, terminate: false, context.CancellationToken)
            .ConfigureAwait(false);
        await context.Stream.OnClosedAsync(() =>
        {
            subscription.Dispose();
            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);
    }

    // MqttProxyIPCAgent.PublishToIoTCoreOperationHandler: topic, authorization, payload, QoS - in that order and with its texts.
    private async Task PublishToIoTCoreAsync(OperationContext context)
    {
        var raw = context.ReadObject();
        var topic = OperationContext.Text(raw, "topicName") ?? throw NucleusErrors.InvalidArguments("Topic is required");
        AuthorizeMqttProxy(context, topic);
        if (raw["payload"] is null)
        {
            throw NucleusErrors.InvalidArguments("Payload is required");
        }

        ValidateQos(raw);
        var request = context.Read(IpcJsonContext.Default.PublishToIoTCoreRequest);
        try
        {
            await _ioTCore.PublishAsync(request, context.CancellationToken).ConfigureAwait(false);
        }
        catch (MqttBridgeException ex)
        {
            throw NucleusErrors.Service($"Publish to topic {request.TopicName} failed: {ex.Message}");
        }

        await context.Stream.RespondAsync(
            IpcOperations.PublishToIoTCore.ResponseShape, new PublishToIoTCoreResponse(), IpcJsonContext.Default.PublishToIoTCoreResponse, terminate: true, context.CancellationToken)
            .ConfigureAwait(false);
    }

    // MqttProxyIPCAgent.SubscribeToIoTCoreOperationHandler: topic, authorization, QoS.
    private async Task SubscribeToIoTCoreAsync(OperationContext context)
    {
        var raw = context.ReadObject();
        var topic = OperationContext.Text(raw, "topicName") ?? throw NucleusErrors.InvalidArguments("Topic is required");
        AuthorizeMqttProxy(context, topic);
        ValidateQos(raw);
        var request = context.Read(IpcJsonContext.Default.SubscribeToIoTCoreRequest);
        var stream = context.Stream;
        var eventShape = IpcOperations.SubscribeToIoTCore.EventShape;

        // Like MqttProxyIPCAgent.forwardToSubscriber: no event may overtake the response.
        var responded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IAsyncDisposable subscription;
        try
        {
            subscription = await _ioTCore.SubscribeAsync(
                request.TopicName,
                request.Qos,
                async payload =>
                {
                    await responded.Task.ConfigureAwait(false);
                    await stream.SendEventAsync(eventShape, payload).ConfigureAwait(false);
                },
                context.CancellationToken).ConfigureAwait(false);
        }
        catch (MqttBridgeException ex)
        {
            throw NucleusErrors.Service($"Subscribe to topic {request.TopicName} failed with error {ex.Message}");
        }

        await stream.RespondAsync(
            IpcOperations.SubscribeToIoTCore.Operation.ResponseShape, new SubscribeToIoTCoreResponse(), IpcJsonContext.Default.SubscribeToIoTCoreResponse, terminate: false, context.CancellationToken)
            .ConfigureAwait(false);
        responded.TrySetResult();
        await stream.OnClosedAsync(subscription.DisposeAsync).ConfigureAwait(false);
    }

    private async Task GetConfigurationAsync(OperationContext context)
    {
        var request = context.Read(IpcJsonContext.Default.GetConfigurationRequest);
        // ConfigStoreIPCEventStreamAgent: only an absent componentName means the caller; any other names a component.
        var componentName = request.ComponentName ?? context.ComponentName;
        if (!_configuration.TryGetValue(componentName, request.KeyPath, out var value))
        {
            throw NucleusErrors.KeyNotFoundError();
        }

        await context.Stream.RespondAsync(
            IpcOperations.GetConfiguration.ResponseShape,
            new GetConfigurationResponse { ComponentName = componentName, Value = value },
            IpcJsonContext.Default.GetConfigurationResponse,
            terminate: true,
            context.CancellationToken).ConfigureAwait(false);
    }

    private async Task SubscribeToConfigurationUpdateAsync(OperationContext context)
    {
        var request = context.Read(IpcJsonContext.Default.SubscribeToConfigurationUpdateRequest);
        // ConfigStoreIPCEventStreamAgent: only an absent componentName means the caller; any other names a component.
        var componentName = request.ComponentName ?? context.ComponentName;
        var keyPath = request.KeyPath ?? [];
        if (!_configuration.Exists(componentName, keyPath))
        {
            throw NucleusErrors.KeyNotFoundError();
        }

        var stream = context.Stream;
        var eventShape = IpcOperations.SubscribeToConfigurationUpdate.EventShape;

        // Watch before answering, as the nucleus does: an update right after the client sees the response must not be
        // lost (the stream holds events back until its response is out).
        var watch = _configuration.Watch(componentName, [.. keyPath], async changedPath =>
        {
            var update = new ConfigurationUpdateEvents
            {
                ConfigurationUpdateEvent = new ConfigurationUpdateEvent { ComponentName = componentName, KeyPath = changedPath },
            };
            await stream.SendEventAsync(eventShape, JsonSerializer.SerializeToUtf8Bytes(update, IpcJsonContext.Default.ConfigurationUpdateEvents)).ConfigureAwait(false);
        });
        try
        {
            await stream.RespondAsync(
                IpcOperations.SubscribeToConfigurationUpdate.Operation.ResponseShape,
                new SubscribeToConfigurationUpdateResponse(),
                IpcJsonContext.Default.SubscribeToConfigurationUpdateResponse,
                terminate: false,
                context.CancellationToken).ConfigureAwait(false);
        }
        catch
        {
            watch.Dispose();
            throw;
        }

        await stream.OnClosedAsync(() =>
        {
            watch.Dispose();
            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);
    }

    private async Task UpdateStateAsync(OperationContext context)
    {
        var request = context.Read(IpcJsonContext.Default.UpdateStateRequest);
        if (GetState(context.ComponentName) is null)
        {
            throw NucleusErrors.ComponentNotFound(context.ComponentName);
        }

        ReportState(context.ComponentName, request.State == ReportedLifecycleState.Errored ? ComponentLifecycleState.Errored : ComponentLifecycleState.Running);
        await context.Stream.RespondAsync(
            IpcOperations.UpdateState.ResponseShape, new UpdateStateResponse(), IpcJsonContext.Default.UpdateStateResponse, terminate: true, context.CancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>UpdateConfiguration: a component merges <c>valueToMerge</c> at <c>keyPath</c> into its own configuration.</summary>
    private async Task UpdateOwnConfigurationAsync(OperationContext context)
    {
        JsonObject request;
        try
        {
            request = JsonNode.Parse(context.Payload.IsEmpty ? "{}"u8 : context.Payload.Span) as JsonObject
                ?? throw new JsonException("The request is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new RequestDeserializationException(context.Operation, ex);
        }

        var keyPath = request["keyPath"] is JsonArray path ? path.Select(p => p?.GetValue<string>() ?? string.Empty).ToList() : [];
        var value = request["valueToMerge"];
        if (value is null)
        {
            throw NucleusErrors.InvalidArguments("Value to merge cannot be null");
        }

        JsonObject merge;
        IReadOnlyList<string> at;
        if (value is JsonObject obj)
        {
            (merge, at) = ((JsonObject)obj.DeepClone(), keyPath);
        }
        else if (keyPath.Count > 0)
        {
            (merge, at) = (new JsonObject { [keyPath[^1]] = value.DeepClone() }, keyPath[..^1]);
        }
        else
        {
            throw NucleusErrors.InvalidArguments("Value to merge at the configuration root must be an object");
        }

        await MergeConfigurationAsync(context.ComponentName, merge, at, context.CancellationToken).ConfigureAwait(false);
        await context.Stream.RespondAsync(
            GreengrassServiceModel.Prefix + "UpdateConfigurationResponse", new JsonObject(), IpcJsonContext.Default.JsonObject, terminate: true, context.CancellationToken)
            .ConfigureAwait(false);
    }
}
