using EdgeInference.Core.Json;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Hosting;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Requests;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using System.Buffers;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeInference.Worker.Heads.Mqtt;

/// <summary>
/// Serves the request/result/describe/status contract over MQTT 5 (MQTT 3.1.1 clients work too): replies go to
/// the request's ResponseTopic with its CorrelationData echoed, else to Topics:Result (describe: Topics:Describe + "/reply").
/// Connects and says STARTING before the model loads; subscribes only after warm-up; on stop it unsubscribes first,
/// lets accepted requests finish and reply, then disconnects cleanly.
/// </summary>
internal sealed class MqttHead : IHostedLifecycleService, IStatusPublisher, IAsyncDisposable
{
    private const string JsonContentType = "application/json";
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly MqttOptions _options;
    private readonly TopicOptions _topics;
    private readonly string _clientId;
    private readonly string _host;
    private readonly bool _enabled;
    private readonly DescribeService _describe;
    private readonly RequestDispatcher _dispatcher;
    private readonly WorkerState _state;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<MqttHead> _logger;
    private readonly IMqttClient _client;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private volatile bool _subscribed;
    private volatile bool _intakeStopped;
    private Task? _supervisor;

    public MqttHead(
        IOptions<MqttOptions> options,
        IOptions<TopicOptions> topics,
        IOptions<WorkerOptions> worker,
        TransportSelection transport,
        DescribeService describe,
        RequestDispatcher dispatcher,
        WorkerState state,
        TimeProvider timeProvider,
        ILogger<MqttHead> logger)
    {
        _options = options.Value;
        var thingName = worker.Value.EffectiveThingName;
        _topics = topics.Value.Resolve(thingName);
        _clientId = (string.IsNullOrWhiteSpace(_options.ClientId) ? "edge-inference-{ThingName}" : _options.ClientId).Replace("{ThingName}", thingName, StringComparison.Ordinal);
        _host = _options.UsesEmbeddedBroker ? _options.EmbeddedBindAddress : _options.Host!;
        _enabled = transport.UsesMqtt;
        _describe = describe;
        _dispatcher = dispatcher;
        _state = state;
        _timeProvider = timeProvider;
        _logger = logger;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!_enabled)
        {
            return;
        }

        _describe.Transport = "mqtt";
        _state.AddPublisher(this);
        await ConnectWithRetryAsync(cancellationToken).ConfigureAwait(false);
        await PublishStatusAsync(_state.Current, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs after the model is loaded and warmed (the loader starts first).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_enabled)
        {
            return;
        }

        await SubscribeAsync(cancellationToken).ConfigureAwait(false);
        _supervisor = Task.Run(() => SuperviseAsync(_lifetime.Token), CancellationToken.None);
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops intake: no new requests are received; accepted ones still run and reply.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _intakeStopped = true;
        if (!_enabled || !_client.IsConnected || !_subscribed)
        {
            return;
        }

        try
        {
            await _client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(RequestFilter).WithTopicFilter(_topics.Describe).Build(), cancellationToken).ConfigureAwait(false);
            _subscribed = false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            WorkerLog.MqttOperationFailed(_logger, "unsubscribe", ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Disconnects once every head has stopped and the queue has drained.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
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
        if (!_client.IsConnected)
        {
            return;
        }

        var payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(status, CoreJsonContext.Default.WorkerStatus);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(_topics.Status)
            .WithPayload(payload)
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

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        _client.Dispose();
        _lifetime.Dispose();
        _connectLock.Dispose();
    }

    private string RequestFilter => string.IsNullOrEmpty(_options.SharedGroup) ? _topics.Request : $"$share/{_options.SharedGroup}/{_topics.Request}";

    private async Task ConnectWithRetryAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ConnectAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                WorkerLog.MqttConnectFailed(_logger, _host, _options.Port, attempt, delay.TotalSeconds, ex.Message);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var options = MqttClientOptionsFactory.Create(_options, _host, _clientId, _topics.Status);
        var result = await _client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new MqttHeadException($"The broker at {_host}:{_options.Port} refused the connection: {result.ResultCode} {result.ReasonString}");
        }

        if (!string.IsNullOrEmpty(_options.SharedGroup) && !result.SharedSubscriptionAvailable)
        {
            throw new MqttHeadException($"Mqtt:SharedGroup is set but the broker at {_host}:{_options.Port} does not offer shared subscriptions.");
        }

        WorkerLog.MqttConnected(_logger, _host, _options.Port, _clientId);
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(RequestFilter, MqttQualityOfServiceLevel.AtLeastOnce)
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
        WorkerLog.MqttSubscribed(_logger, RequestFilter, _topics.Describe);
    }

    /// <summary>Reconnects and resubscribes after a lost connection, with capped exponential backoff.</summary>
    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_client.IsConnected ? TimeSpan.FromSeconds(1) : delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                if (_client.IsConnected || _intakeStopped)
                {
                    delay = TimeSpan.FromMilliseconds(250);
                    continue;
                }

                await ConnectAsync(cancellationToken).ConfigureAwait(false);
                await SubscribeAsync(cancellationToken).ConfigureAwait(false);
                await PublishStatusAsync(_state.Current, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                WorkerLog.MqttConnectFailed(_logger, _host, _options.Port, 0, delay.TotalSeconds, ex.Message);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        try
        {
            if (message.Topic == _topics.Describe)
            {
                var describeId = TryRequestId(message);
                await ReplyAsync(ReplyTopic(message.ResponseTopic, null, _topics.DescribeReply), message.CorrelationData, _describe.BuildJson(describeId)).ConfigureAwait(false);
                return;
            }

            if (_intakeStopped)
            {
                return;
            }

            // Copy: MQTTnet may reuse the receive buffer once this handler returns.
            var payload = new ReadOnlySequence<byte>(message.Payload.ToArray());
            var correlation = message.CorrelationData;
            await _dispatcher.DispatchAsync(
                payload,
                UserProperty(message, "RequestId"),
                replyTo => ReplyTopic(message.ResponseTopic, replyTo, _topics.Result),
                (topic, reply) => ReplyAsync(topic, correlation, reply)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Loop boundary: a failing message never stops the receive loop.
            WorkerLog.RequestCrashed(_logger, ex);
        }
    }

    private string ReplyTopic(string? responseTopic, string? replyTo, string fallback) =>
        RequestDispatcher.ChooseReplyTopic(_topics, responseTopic, replyTo, fallback);

    private async Task ReplyAsync(string topic, byte[]? correlationData, byte[] payload)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithContentType(JsonContentType)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (correlationData is { Length: > 0 })
        {
            builder.WithCorrelationData(correlationData);
        }

        try
        {
            await _client.PublishAsync(builder.Build(), _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            WorkerLog.MqttOperationFailed(_logger, $"reply to {topic}", ex);
        }
    }

    private static string? UserProperty(MqttApplicationMessage message, string name) =>
        message.UserProperties?.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.ReadValueAsString();

    private static string? TryRequestId(MqttApplicationMessage message)
    {
        var fromProperty = UserProperty(message, "RequestId");
        if (fromProperty is not null || message.Payload.IsEmpty)
        {
            return fromProperty;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(message.Payload);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && document.RootElement.TryGetProperty("RequestId", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String ? id.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>The MQTT head cannot serve: the broker refused us or lacks something the configuration needs.</summary>
public sealed class MqttHeadException : Exception
{
    public MqttHeadException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
