using System.Text.Json;
using EdgeInference.Core.Json;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Requests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using EdgeInference.Worker.Hosting;
using Polly;

namespace EdgeInference.Worker.Heads.Mqtt;

/// <summary>
/// Serves the request/result/describe/status contract over MQTT 5 (MQTT 3.1.1 clients work too): replies go to the
/// request's ResponseTopic with its CorrelationData echoed, else to the result topic. On its own embedded broker
/// requests and replies pass inside the broker (<see cref="EmbeddedBrokerIntake"/>), with no loopback hop. Connects (with the worker's
/// resilience policy) and says STARTING before the models load; subscribes once they are warm; reconnects and
/// resubscribes after a lost connection; on stop it answers new requests Busy (or, in a shared group, unsubscribes so
/// the group's other workers take them), lets accepted ones finish, then disconnects cleanly.
/// </summary>
internal sealed class MqttHead : IRequestHead
{
    private const string JsonContentType = "application/json";

    /// <summary>How long a disconnect waits for the messages being handled to be acknowledged.</summary>
    private static readonly TimeSpan AcknowledgeGrace = TimeSpan.FromSeconds(5);

    private readonly MqttOptions _options;
    private readonly LimitsOptions _limits;
    private readonly TopicOptions _topics;
    private readonly string _clientId;
    private readonly (string UserName, string? Password)? _credentials;
    private readonly string _thingName;
    private readonly TimeProvider _time;
    private readonly string _host;
    private readonly RequestDispatcher _dispatcher;
    private readonly ResiliencePipeline _reconnect;
    private readonly ILogger<MqttHead> _logger;
    private readonly IMqttClient _client;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SemaphoreSlim _disconnected = new(0, 1);
    private readonly ReplyOutbox _outbox;
    private readonly EmbeddedBrokerIntake? _localIntake;
    private readonly InFlightMessages _inFlight = new();
    private Func<Task>? _republishStatus;
    private volatile bool _subscribed;
    private volatile bool _intakeStopped;
    private Task? _supervisor;

    public MqttHead(
        IOptions<MqttOptions> options,
        IOptions<WorkerOptions> worker,
        IOptions<LimitsOptions> limits,
        RequestDispatcher dispatcher,
        TimeProvider time,
        ILogger<MqttHead> logger,
        EmbeddedBrokerAccess? embeddedBroker = null,
        EmbeddedBrokerIntake? embeddedIntake = null)
    {
        _options = options.Value;
        _limits = limits.Value;
        var thingName = worker.Value.EffectiveThingName;
        _topics = dispatcher.Topics;
        _clientId = embeddedBroker?.WorkerClientId ?? _options.EffectiveClientId(thingName);
        _credentials = embeddedBroker is not null ? (embeddedBroker.WorkerUserName, embeddedBroker.WorkerPassword)
            : !string.IsNullOrEmpty(_options.Username) ? (_options.Username, _options.Password) : null;
        _thingName = thingName;
        _time = time;
        _host = _options.UsesEmbeddedBroker ? _options.EmbeddedBindAddress : _options.Host!;
        _dispatcher = dispatcher;
        _logger = logger;
        _localIntake = embeddedIntake;
        _outbox = new ReplyOutbox(time);
        _reconnect = Resilience.Reconnect(time, (attempt, delay, ex) => WorkerLog.MqttConnectFailed(logger, _host, _options.Port, attempt, delay.TotalSeconds, ex?.Message ?? "?"));
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += _ =>
        {
            if (_disconnected.CurrentCount == 0)
            {
                _disconnected.Release();
            }

            return Task.CompletedTask;
        };
    }

    public string Transport => "mqtt";

    private int Port => _options.Port;

    private string RequestFilter => Shared(_topics.Request);

    private string ModelRequestFilter => Shared(_topics.ModelRequestFilter);

    public async Task ConnectAsync(CancellationToken cancellationToken = default) =>
        await _reconnect.ExecuteAsync(async token => await ConnectOnceAsync(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public async Task StartIntakeAsync(CancellationToken cancellationToken = default)
    {
        if (_localIntake is { } local)
        {
            local.Attach(TakeLocalAsync);
            WorkerLog.MqttLocalIntake(_logger, $"{_topics.Request}, {_topics.ModelRequestFilter}", _topics.Describe);
        }
        else
        {
            await SubscribeAsync(cancellationToken).ConfigureAwait(false);
        }

        _supervisor = Task.Run(() => SuperviseAsync(_lifetime.Token), CancellationToken.None);
    }

    public async Task StopIntakeAsync(CancellationToken cancellationToken = default)
    {
        _intakeStopped = true;
        if (string.IsNullOrEmpty(_options.SharedGroup) || !_client.IsConnected || !_subscribed)
        {
            // Stay subscribed: requests that arrive while accepted ones finish are answered Busy, not met with silence.
            return;
        }

        try
        {
            await _client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(RequestFilter).WithTopicFilter(ModelRequestFilter).Build(), cancellationToken).ConfigureAwait(false);
            _subscribed = false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            WorkerLog.MqttOperationFailed(_logger, "unsubscribe", ex);
        }
    }

    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        _localIntake?.Detach();
        if (!await _inFlight.WaitIdleAsync(AcknowledgeGrace, _time, cancellationToken).ConfigureAwait(false))
        {
            WorkerLog.MqttDisconnectingWithUnacknowledged(_logger, _inFlight.Count, AcknowledgeGrace.TotalSeconds);
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (_supervisor is { } supervisor)
        {
            await supervisor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async Task PublishStatusAsync(WorkerStatus status, CancellationToken cancellationToken = default)
    {
        _republishStatus = () => PublishStatusAsync(status, _lifetime.Token);
        if (!_client.IsConnected)
        {
            return;
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(_topics.Status)
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(status, CoreJsonContext.Default.WorkerStatus))
            .WithContentType(JsonContentType)
            .WithRetainFlag()
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        try
        {
            await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            WorkerLog.StatusPublished(_logger, status.Status, _topics.Status);
            if (status.Status == WorkerStates.Failed)
            {
                // A clean disconnect keeps the broker from replacing FAILED's reason with the last will.
                await _client.DisconnectAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            WorkerLog.MqttOperationFailed(_logger, "status publish", ex);
        }
    }

    public async Task PublishMetricsAsync(Metrics.MetricsMessages metrics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (!_client.IsConnected)
        {
            return;
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(metrics.Topic)
            .WithPayload(metrics.Json)
            .WithContentType(JsonContentType)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
            .Build();
        try
        {
            await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            WorkerLog.MqttOperationFailed(_logger, "metrics publish", ex);
        }
    }

    /// <summary>
    /// Publishes a reply (inside the embedded broker when the worker runs one); when the broker connection is down, the
    /// reply waits in the outbox (bounded in count, bytes and age) and goes out after the reconnect: an accepted request's
    /// answer survives a broker restart.
    /// </summary>
    public async Task<bool> SendAsync(OutgoingReply reply, CancellationToken cancellationToken = default)
    {
        if (_localIntake is { } local)
        {
            try
            {
                if (await local.TryDeliverAsync(ToMessage(reply)).ConfigureAwait(false))
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                WorkerLog.MqttOperationFailed(_logger, $"reply to {LogText.Escape(reply.Topic)}", ex);
                return false;
            }
        }

        if (!_client.IsConnected)
        {
            return _outbox.TryAdd(reply) || Dropped(reply, "the broker connection is down and the reply outbox is full");
        }

        try
        {
            var result = await _client.PublishAsync(ToMessage(reply), _lifetime.Token).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                WorkerLog.MqttReplyRefused(_logger, LogText.Escape(reply.Topic), result.ReasonCode.ToString(), result.ReasonString ?? string.Empty);
            }

            return true;
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException) && !_client.IsConnected)
        {
            WorkerLog.MqttOperationFailed(_logger, $"reply to {LogText.Escape(reply.Topic)} (kept for the reconnect)", ex);
            return _outbox.TryAdd(reply) || Dropped(reply, "the reply outbox is full");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            WorkerLog.MqttOperationFailed(_logger, $"reply to {LogText.Escape(reply.Topic)}", ex);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        _client.Dispose();
        _lifetime.Dispose();
        _disconnected.Dispose();
    }

    private static MqttApplicationMessage ToMessage(OutgoingReply reply)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(reply.Topic)
            .WithPayload(new System.Buffers.ReadOnlySequence<byte>(reply.Json))
            .WithContentType(JsonContentType)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (reply.CorrelationData is { Length: > 0 })
        {
            builder.WithCorrelationData(reply.CorrelationData);
        }

        return builder.Build();
    }

    private bool Dropped(OutgoingReply reply, string reason)
    {
        WorkerLog.ReplyDropped(_logger, LogText.Escape(reply.RequestId), LogText.Escape(reply.Topic), reason);
        return false;
    }

    /// <summary>Sends what waited in the outbox during the disconnect, oldest first; what is still undeliverable waits on.</summary>
    private async Task FlushOutboxAsync(CancellationToken cancellationToken)
    {
        var waiting = _outbox.TakeAll(out var expired);
        foreach (var reply in waiting)
        {
            // Dropped again (the link fell meanwhile): SendAsync puts it back in the outbox.
            await SendAsync(reply, cancellationToken).ConfigureAwait(false);
        }

        foreach (var reply in expired)
        {
            Dropped(reply, $"it waited longer than the outbox keeps replies ({ReplyOutbox.MaxAge.TotalSeconds:F0} s)");
        }
    }

    private string Shared(string filter) => string.IsNullOrEmpty(_options.SharedGroup) ? filter : $"$share/{_options.SharedGroup}/{filter}";

    private async Task ConnectOnceAsync(CancellationToken cancellationToken)
    {
        var will = new WorkerStatus
        {
            Status = WorkerStates.Failed,
            StatusMessage = $"The worker's MQTT connection (client {_clientId}, connected at {_time.GetUtcNow():O}) was lost without a clean disconnect.",
            ThingName = _thingName,
            Timestamp = _time.GetUtcNow(),
        };
        var options = MqttClientOptionsFactory.Create(_options, _host, Port, _clientId, _topics.Status, will, _limits.MaxPayloadBytes, _credentials);
        var result = await _client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new MqttHeadException($"The broker at {_host}:{Port} refused the connection: {result.ResultCode} {result.ReasonString}");
        }

        if (!string.IsNullOrEmpty(_options.SharedGroup) && !result.SharedSubscriptionAvailable)
        {
            throw new MqttHeadException($"Mqtt:SharedGroup is set but the broker at {_host}:{Port} does not offer shared subscriptions.", permanent: true);
        }

        WorkerLog.MqttConnected(_logger, _host, Port, _clientId, result.IsSessionPresent);
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(RequestFilter, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(ModelRequestFilter, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(_topics.Describe, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await _client.SubscribeAsync(subscribe, cancellationToken).ConfigureAwait(false);
        foreach (var item in result.Items)
        {
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                throw new MqttHeadException($"The broker refused the subscription to '{item.TopicFilter.Topic}': {item.ResultCode}.");
            }
        }

        _subscribed = true;
        WorkerLog.MqttSubscribed(_logger, $"{RequestFilter}, {ModelRequestFilter}", _topics.Describe);
    }

    /// <summary>After a lost connection: reconnect with the resilience policy, resubscribe, say the status again.</summary>
    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _disconnected.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (_client.IsConnected)
                {
                    continue;
                }

                await ConnectAsync(cancellationToken).ConfigureAwait(false);
                if (_localIntake is null && (!_intakeStopped || string.IsNullOrEmpty(_options.SharedGroup)))
                {
                    await SubscribeAsync(cancellationToken).ConfigureAwait(false);
                }

                if (_republishStatus is { } republish)
                {
                    await republish().ConfigureAwait(false);
                }

                await FlushOutboxAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Loop boundary: a failed resubscription is retried on the next disconnect or at once.
                WorkerLog.MqttOperationFailed(_logger, "reconnect", ex);
                if (_disconnected.CurrentCount == 0)
                {
                    _disconnected.Release();
                }
            }
        }
    }

    /// <summary>
    /// Acknowledges (PUBACK) once the request is queued or answered; a disconnect waits for that (<see cref="InFlightMessages"/>),
    /// so a request answered here is not delivered again to the next session.
    /// </summary>
    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        using var handling = _inFlight.Begin();
        e.AutoAcknowledge = false;
        if (_dispatcher.Serves(e.ApplicationMessage.Topic))
        {
            await ReceiveAsync(e.ApplicationMessage).ConfigureAwait(false);
        }

        try
        {
            await e.AcknowledgeAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The connection fell: the broker delivers the message again to the next session.
            WorkerLog.MqttOperationFailed(_logger, "acknowledge", ex);
        }
    }

    /// <summary>Offered every publish by the embedded broker: takes (and dispatches) those on the worker's topics.</summary>
    private async Task<bool> TakeLocalAsync(MqttApplicationMessage message)
    {
        if (!_dispatcher.Serves(message.Topic))
        {
            return false;
        }

        await ReceiveAsync(message).ConfigureAwait(false);
        return true;
    }

    private async Task ReceiveAsync(MqttApplicationMessage message)
    {
        try
        {
            await _dispatcher.DispatchAsync(
                new IncomingMessage
                {
                    Channel = MessageChannel.Mqtt,
                    Topic = message.Topic,
                    Payload = message.Payload,
                    ResponseTopic = message.ResponseTopic,
                    CorrelationData = message.CorrelationData,
                    RequestIdProperty = UserProperty(message, "RequestId"),
                    ModelProperty = UserProperty(message, "Model"),
                },
                this,
                _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Loop boundary: a failing message never stops the receive loop.
            WorkerLog.RequestCrashed(_logger, ex);
        }
    }

    private static string? UserProperty(MqttApplicationMessage message, string name) =>
        message.UserProperties?.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.ReadValueAsString();
}

/// <summary>The MQTT head cannot serve: the broker refused us or lacks something the configuration needs.</summary>
public sealed class MqttHeadException : Exception
{
    public MqttHeadException(string message, Exception? innerException = null, bool permanent = false)
        : base(message, innerException)
    {
        Permanent = permanent;
    }

    public MqttHeadException(string message, bool permanent)
        : this(message, null, permanent)
    {
    }

    /// <summary>Retrying cannot help (the broker lacks a feature the configuration needs).</summary>
    public bool Permanent { get; }
}
