using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeInference.Core.Json;
using EdgeInference.Core.Results;
using EdgeInference.Greengrass.Ipc;
using EdgeInference.Greengrass.Ipc.Model;
using EdgeInference.Worker.Greengrass;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Requests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Heads.Ipc;

/// <summary>
/// Serves the request/result/describe/status contract over Greengrass IPC: local pub/sub, AWS IoT Core through the
/// nucleus (MQTT 5 response topic and correlation data honoured), or both (<c>Ipc:Target</c>); each request is answered
/// on the side it came from. A request that arrives on the side not served is answered with an error and logged once
/// per topic, never dropped in silence; so is a reply the nucleus refuses (accessControl). Reports RUNNING and ERRORED
/// to the nucleus with UpdateState.
/// </summary>
internal sealed class IpcHead : IRequestHead
{
    private readonly GreengrassConnection _connection;
    private readonly IpcTarget _target;
    private readonly TopicOptions _topics;
    private readonly RequestDispatcher _dispatcher;
    private readonly ILogger<IpcHead> _logger;
    private readonly Polly.ResiliencePipeline _resilience;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly List<Task> _loops = [];
    private readonly List<IAsyncDisposable> _subscriptions = [];
    private readonly ConcurrentDictionary<string, byte> _loggedOnce = new(StringComparer.Ordinal);
    private GreengrassIpcClient? _client;
    private ReportedLifecycleState? _reportedState;

    public IpcHead(GreengrassConnection connection, IOptions<IpcOptions> options, RequestDispatcher dispatcher, TimeProvider time, ILogger<IpcHead> logger)
    {
        _resilience = Hosting.Resilience.Reconnect(time, (attempt, delay, ex) => WorkerLog.IpcIoTCoreNotYet(logger, attempt, delay.TotalSeconds, ex?.Message ?? "?"));
        _connection = connection;
        _target = options.Value.Target;
        _topics = dispatcher.Topics;
        _dispatcher = dispatcher;
        _logger = logger;
    }

    public string Transport => "ipc";

    private string[] ServedTopics => [_topics.Request, _topics.ModelRequestFilter, _topics.Describe];

    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            _client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (GreengrassConnectionException ex)
        {
            throw new IpcHeadException(ex.Message, ex);
        }

        WorkerLog.IpcConnected(_logger, _connection.SocketPath, _target.ToConfigName());
    }

    public async Task StartIntakeAsync(CancellationToken cancellationToken = default)
    {
        var client = _client ?? throw new InvalidOperationException("ConnectAsync first.");
        try
        {
            foreach (var topic in ServedTopics)
            {
                if (_target.ServesLocal())
                {
                    Track(await client.SubscribeToTopicRawAsync(topic, cancellationToken: cancellationToken).ConfigureAwait(false), FromLocal, served: true);
                }

                if (_target == IpcTarget.IoTCore)
                {
                    Track(await client.SubscribeToIoTCoreAsync(topic, QualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false), FromIoTCore, served: true);
                }
            }
        }
        catch (IpcOperationException ex)
        {
            throw new IpcHeadException(
                $"The nucleus refused the IPC subscription (Ipc:Target={_target.ToConfigName()}): {ex.Message} Check the recipe's accessControl for {string.Join(", ", ServedTopics)}.", ex);
        }

        if (_target == IpcTarget.Both)
        {
            // The device's own components must be served even while the cloud connection is down: IoT Core joins when it can.
            var joining = Task.Run(() => SubscribeIoTCoreWhenPossibleAsync(client, _lifetime.Token), CancellationToken.None);
            lock (_subscriptions)
            {
                _loops.Add(joining);
            }
        }

        await WatchTheOtherSideAsync(client, cancellationToken).ConfigureAwait(false);
        WorkerLog.IpcSubscribed(_logger, $"{_topics.Request}, {_topics.ModelRequestFilter}", _topics.Describe, _target.ToConfigName());
    }

    /// <summary>With Ipc:Target both: subscribes on IoT Core with the resilience policy until it works or the worker stops.</summary>
    private async Task SubscribeIoTCoreWhenPossibleAsync(GreengrassIpcClient client, CancellationToken cancellationToken)
    {
        try
        {
            await _resilience.ExecuteAsync(
                async token =>
                {
                    foreach (var topic in ServedTopics)
                    {
                        Track(await client.SubscribeToIoTCoreAsync(topic, QualityOfService.AtLeastOnce, token).ConfigureAwait(false), FromIoTCore, served: true);
                    }
                },
                cancellationToken).ConfigureAwait(false);
            WorkerLog.IpcIoTCoreJoined(_logger, string.Join(", ", ServedTopics));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Requests are answered Busy from now on (the dispatcher says so); subscriptions stay until disconnect.</summary>
    public Task StopIntakeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        IAsyncDisposable[] subscriptions;
        Task[] loops;
        lock (_subscriptions)
        {
            subscriptions = [.. _subscriptions];
            _subscriptions.Clear();
            loops = [.. _loops];
        }

        foreach (var subscription in subscriptions)
        {
            try
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
            }
            catch (GreengrassIpcException ex)
            {
                WorkerLog.IpcOperationFailed(_logger, "unsubscribe", ex);
            }
        }

        await Task.WhenAll(loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async Task PublishStatusAsync(WorkerStatus status, CancellationToken cancellationToken = default)
    {
        if (_client is not { } client)
        {
            return;
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(status, CoreJsonContext.Default.WorkerStatus);
        try
        {
            if (_target.ServesLocal())
            {
                await client.PublishJsonToTopicAsync(_topics.Status, payload, cancellationToken).ConfigureAwait(false);
            }

            if (_target.ServesIoTCore())
            {
                await client.PublishToIoTCoreAsync(
                    new PublishToIoTCoreRequest
                    {
                        TopicName = _topics.Status, Qos = QualityOfService.AtLeastOnce, Payload = payload, Retain = true,
                        ContentType = "application/json", PayloadFormat = PayloadFormat.Utf8,
                    },
                    cancellationToken).ConfigureAwait(false);
            }

            WorkerLog.IpcStatusPublished(_logger, status.Status, _topics.Status);
        }
        catch (GreengrassIpcException ex)
        {
            WorkerLog.IpcOperationFailed(_logger, "status publish", ex);
        }

        ReportedLifecycleState? lifecycle = status.Status switch
        {
            WorkerStates.Running => ReportedLifecycleState.Running,
            WorkerStates.Failed => ReportedLifecycleState.Errored,
            _ => null,
        };
        if (lifecycle is { } state && state != _reportedState)
        {
            try
            {
                await client.UpdateStateAsync(state, cancellationToken).ConfigureAwait(false);
                _reportedState = state;
                WorkerLog.IpcStateReported(_logger, state == ReportedLifecycleState.Running ? "RUNNING" : "ERRORED");
            }
            catch (GreengrassIpcException ex)
            {
                WorkerLog.IpcOperationFailed(_logger, "UpdateState", ex);
            }
        }
    }

    public async Task PublishMetricsAsync(Metrics.MetricsMessages metrics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (_client is not { } client)
        {
            return;
        }

        try
        {
            if (_target.ServesLocal())
            {
                await client.PublishJsonToTopicAsync(metrics.Topic, metrics.Json, cancellationToken).ConfigureAwait(false);
            }

            if (_target.ServesIoTCore())
            {
                await client.PublishToIoTCoreAsync(
                    new PublishToIoTCoreRequest
                    {
                        TopicName = metrics.Topic, Qos = QualityOfService.AtMostOnce, Payload = metrics.Json,
                        ContentType = "application/json", PayloadFormat = PayloadFormat.Utf8,
                    },
                    cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is GreengrassIpcException or OperationCanceledException)
        {
            if (_loggedOnce.TryAdd("metrics:" + metrics.Topic, 0))
            {
                WorkerLog.IpcOperationFailed(_logger, $"metrics publish to {metrics.Topic}", ex);
            }
        }

        if (metrics.CloudWatchTopic is not { } cloudWatchTopic)
        {
            return;
        }

        // The CloudWatch metrics component takes one metric per message on its local topic.
        try
        {
            foreach (var datum in metrics.CloudWatch)
            {
                await client.PublishJsonToTopicAsync(cloudWatchTopic, datum, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is GreengrassIpcException or OperationCanceledException)
        {
            if (_loggedOnce.TryAdd("metrics:" + cloudWatchTopic, 0))
            {
                WorkerLog.IpcOperationFailed(_logger, $"CloudWatch metrics publish to {cloudWatchTopic} (deploy aws.greengrass.Cloudwatch and allow the topic in accessControl, or set Metrics:CloudWatchTopic empty)", ex);
            }
        }
    }

    public async Task<bool> SendAsync(OutgoingReply reply, CancellationToken cancellationToken = default)
    {
        if (_client is not { } client)
        {
            return false;
        }

        try
        {
            await PublishAsync(client, reply).ConfigureAwait(false);
            return true;
        }
        catch (UnauthorizedErrorException ex)
        {
            await SayReplyRefusedAsync(client, reply, ex).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is GreengrassIpcException or OperationCanceledException)
        {
            WorkerLog.IpcOperationFailed(_logger, $"reply to {LogText.Escape(reply.Topic)}", ex);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        _lifetime.Dispose();
    }

    private Task PublishAsync(GreengrassIpcClient client, OutgoingReply reply) => reply.Channel == MessageChannel.IoTCore
        ? client.PublishToIoTCoreAsync(
            new PublishToIoTCoreRequest
            {
                TopicName = reply.Topic, Qos = QualityOfService.AtLeastOnce, Payload = WholeArray(reply.Json),
                CorrelationData = reply.CorrelationData is { Length: > 0 } ? reply.CorrelationData : null,
                ContentType = "application/json", PayloadFormat = PayloadFormat.Utf8,
            },
            _lifetime.Token)
        : client.PublishJsonToTopicAsync(reply.Topic, reply.Json, _lifetime.Token);

    /// <summary>The nucleus refused the requester's reply topic: log it once per topic, and answer on the worker's own topic.</summary>
    private async Task SayReplyRefusedAsync(GreengrassIpcClient client, OutgoingReply reply, UnauthorizedErrorException refusal)
    {
        var reason = $"The reply topic '{LogText.Escape(reply.Topic)}' is not allowed by the worker's accessControl " +
            $"({(reply.Channel == MessageChannel.IoTCore ? "aws.greengrass.ipc.mqttproxy" : "aws.greengrass.ipc.pubsub")}: {refusal.Message}); " +
            "use a reply topic under edge-inference/, or add the topic to the recipe's accessControl resources.";
        if (_loggedOnce.TryAdd("reply:" + reply.Topic, 0))
        {
            WorkerLog.ReplyTopicRefused(_logger, LogText.Escape(reply.Topic), reason);
        }

        if (reply.FallbackTopic is { } fallback)
        {
            try
            {
                await PublishAsync(client, reply with { Topic = fallback, FallbackTopic = null, Json = InferenceService.Error(reply.RequestId, ErrorCodes.InvalidRequest, reason) }).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is GreengrassIpcException or OperationCanceledException)
            {
                WorkerLog.IpcOperationFailed(_logger, $"reply to {fallback}", ex);
            }
        }
    }

    /// <summary>
    /// Listens on the side <c>Ipc:Target</c> does not serve, only to tell a requester who sends there why nobody serves
    /// them (best effort: without the permission or a cloud connection the nucleus refuses, and that is logged at debug).
    /// </summary>
    private async Task WatchTheOtherSideAsync(GreengrassIpcClient client, CancellationToken cancellationToken)
    {
        if (_target == IpcTarget.Both)
        {
            return;
        }

        foreach (var topic in new[] { _topics.Request, _topics.ModelRequestFilter })
        {
            try
            {
                if (_target == IpcTarget.Local)
                {
                    Track(await client.SubscribeToIoTCoreAsync(topic, QualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false), FromIoTCore, served: false);
                }
                else
                {
                    Track(await client.SubscribeToTopicRawAsync(topic, cancellationToken: cancellationToken).ConfigureAwait(false), FromLocal, served: false);
                }
            }
            catch (GreengrassIpcException ex)
            {
                WorkerLog.IpcOtherSideUnwatched(_logger, topic, ex.Message);
            }
        }
    }

    /// <summary>
    /// A local message as the client read it from its frame: a binary message's bytes (decoded once), or a JSON message's
    /// text as sent — handed to the reader as they are, never parsed into a document and serialised again.
    /// </summary>
    private static IncomingMessage? FromLocal(RawTopicMessage message) => message.Topic is { } topic
        ? new IncomingMessage { Channel = MessageChannel.LocalPubSub, Topic = topic, Payload = new ReadOnlySequence<byte>(message.Message), PayloadIsOwned = true, ReleasePayload = message.Release }
        : null;

    private static IncomingMessage? FromIoTCore(IoTCoreMessage message)
    {
        if (message.Message is not { TopicName: { } topic } mqtt)
        {
            return null;
        }

        return new IncomingMessage
        {
            Channel = MessageChannel.IoTCore,
            Topic = topic,
            Payload = new ReadOnlySequence<byte>(mqtt.Payload ?? []),
            PayloadIsOwned = true, // decoded for this event alone
            ResponseTopic = mqtt.ResponseTopic,
            CorrelationData = mqtt.CorrelationData,
            RequestIdProperty = UserProperty(mqtt, "RequestId"),
            ModelProperty = UserProperty(mqtt, "Model"),
        };
    }

    private void Track<TEvent>(IpcSubscription<TEvent> subscription, Func<TEvent, IncomingMessage?> convert, bool served)
        where TEvent : class
    {
        var loop = Task.Run(() => PumpAsync(subscription, convert, served, _lifetime.Token), CancellationToken.None);
        lock (_subscriptions)
        {
            _subscriptions.Add(subscription);
            _loops.Add(loop);
        }
    }

    /// <summary>The one receive loop, for every subscription.</summary>
    private async Task PumpAsync<TEvent>(IpcSubscription<TEvent> subscription, Func<TEvent, IncomingMessage?> convert, bool served, CancellationToken cancellationToken)
        where TEvent : class
    {
        try
        {
            await foreach (var message in subscription.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    if (convert(message) is not { } incoming)
                    {
                        continue;
                    }

                    if (served)
                    {
                        await _dispatcher.DispatchAsync(incoming, this, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await SayNotServedAsync(incoming).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
                {
                    // Loop boundary: a failing message never stops the receive loop.
                    WorkerLog.RequestCrashed(_logger, ex);
                }
            }

            if (!cancellationToken.IsCancellationRequested)
            {
                WorkerLog.IpcSubscriptionEnded(_logger, subscription.Operation, subscription.Completion.Exception?.InnerException);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (GreengrassIpcException ex)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                WorkerLog.IpcSubscriptionEnded(_logger, subscription.Operation, ex);
            }
        }
    }

    private async Task SayNotServedAsync(IncomingMessage incoming)
    {
        var side = incoming.Channel == MessageChannel.IoTCore ? "AWS IoT Core (an MQTT client of the broker)" : "Greengrass local pub/sub (a component on the device)";
        var reason = $"A request arrived on {incoming.Topic} from {side}, but Ipc:Target is {_target.ToConfigName()}: " +
            $"set Ipc:Target to {(incoming.Channel == MessageChannel.IoTCore ? "iotcore" : "local")} or both in the component configuration.";
        if (_loggedOnce.TryAdd($"side:{incoming.Channel}:{incoming.Topic}", 0))
        {
            WorkerLog.RequestOnUnservedSide(_logger, incoming.Topic, reason);
        }

        var request = RequestReader.Read(incoming, long.MaxValue, forDescribe: true);
        var topic = !string.IsNullOrEmpty(incoming.ResponseTopic) ? incoming.ResponseTopic : request.ReplyTo;
        if (topic is not null && TopicRules.IsPlainTopic(topic) && !_dispatcher.Serves(topic) && _client is { } client)
        {
            try
            {
                await PublishAsync(client, new OutgoingReply(incoming.Channel, topic, incoming.CorrelationData, InferenceService.Error(request.RequestId, ErrorCodes.InvalidRequest, reason))).ConfigureAwait(false);
            }
            catch (GreengrassIpcException ex)
            {
                WorkerLog.IpcOperationFailed(_logger, $"reply to {LogText.Escape(topic)}", ex);
            }
        }
    }

    /// <summary>The reply's own array when it spans all of one (replies are serialised into one), else a copy.</summary>
    private static byte[] WholeArray(ReadOnlyMemory<byte> json) =>
        MemoryMarshal.TryGetArray(json, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length ? segment.Array : json.ToArray();

    private static string? UserProperty(MqttMessage message, string name) =>
        message.UserProperties?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase))?.Value;
}

/// <summary>The IPC head cannot serve: no nucleus to talk to, or it refused us.</summary>
public sealed class IpcHeadException : Exception
{
    public IpcHeadException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
