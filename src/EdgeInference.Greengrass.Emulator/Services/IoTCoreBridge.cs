using System.Buffers;
using System.Text.Json;
using EdgeInference.Greengrass.Emulator.Authorization;
using EdgeInference.Greengrass.Ipc.Model;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeInference.Greengrass.Emulator.Services;

/// <summary>
/// Stands in for the nucleus's MQTT connection to AWS IoT Core with a real MQTT 5 broker (mosquitto in tests).
/// One MQTT subscription per distinct filter, tagged with an MQTT 5 subscription identifier so each incoming message
/// reaches exactly the IPC subscribers of the filters it matched.
/// </summary>
internal sealed class IoTCoreBridge : IAsyncDisposable
{
    private readonly NucleusEmulatorOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _sync = new();
    private readonly Dictionary<string, FilterSubscription> _filters = new(StringComparer.Ordinal);
    private IMqttClient? _client;
    private uint _nextSubscriptionId;

    public IoTCoreBridge(NucleusEmulatorOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
    }

    public bool IsConfigured => !string.IsNullOrEmpty(_options.MqttHost);

    /// <summary>Connects to the broker (no-op when none is configured).</summary>
    /// <exception cref="MqttBridgeException">The broker could not be reached.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsConfigured)
        {
            await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Publishes like PublishToIoTCore, waiting for PUBACK at QoS 1.</summary>
    /// <exception cref="MqttBridgeException">Not connected, or the broker refused the message.</exception>
    public async Task PublishAsync(PublishToIoTCoreRequest request, CancellationToken cancellationToken = default)
    {
        var client = await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(request.TopicName)
            .WithPayload(request.Payload ?? [])
            .WithQualityOfServiceLevel(request.Qos == QualityOfService.AtLeastOnce ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce)
            .WithRetainFlag(request.Retain ?? false);
        foreach (var property in request.UserProperties ?? [])
        {
            builder.WithUserProperty(property.Key, System.Text.Encoding.UTF8.GetBytes(property.Value).AsMemory());
        }

        if (request.MessageExpiryIntervalSeconds is { } expiry)
        {
            builder.WithMessageExpiryInterval((uint)Math.Clamp(expiry, 0, uint.MaxValue));
        }

        if (request.CorrelationData is { } correlation)
        {
            builder.WithCorrelationData(correlation);
        }

        if (request.ResponseTopic is { } responseTopic)
        {
            builder.WithResponseTopic(responseTopic);
        }

        if (request.PayloadFormat is { } format)
        {
            builder.WithPayloadFormatIndicator(format == PayloadFormat.Utf8 ? MqttPayloadFormatIndicator.CharacterData : MqttPayloadFormatIndicator.Unspecified);
        }

        if (request.ContentType is { } contentType)
        {
            builder.WithContentType(contentType);
        }

        using var bound = Bound(cancellationToken);
        MqttClientPublishResult result;
        try
        {
            result = await client.PublishAsync(builder.Build(), bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new MqttBridgeException(ex.Message, ex);
        }

        if (!result.IsSuccess)
        {
            throw new MqttBridgeException($"the broker answered {result.ReasonCode} {result.ReasonString}".TrimEnd());
        }
    }

    /// <summary>Subscribes like SubscribeToIoTCore; returns after the SUBACK. Dispose the result to unsubscribe.</summary>
    /// <exception cref="MqttBridgeException">Not connected, or the broker refused the subscription.</exception>
    public async Task<IAsyncDisposable> SubscribeAsync(
        string filter, QualityOfService qos, Func<byte[], ValueTask> onMessage, CancellationToken cancellationToken = default)
    {
        var client = await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            FilterSubscription? subscription;
            lock (_sync)
            {
                _filters.TryGetValue(filter, out subscription);
            }

            if (subscription is null)
            {
                var id = ++_nextSubscriptionId;
                var options = new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(filter, qos == QualityOfService.AtLeastOnce ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce)
                    .WithSubscriptionIdentifier(id)
                    .Build();
                using var bound = Bound(cancellationToken);
                MqttClientSubscribeResult result;
                try
                {
                    result = await client.SubscribeAsync(options, bound.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    throw new MqttBridgeException(ex.Message, ex);
                }

                var code = result.Items.Single().ResultCode;
                if (code > MqttClientSubscribeResultCode.GrantedQoS2)
                {
                    throw new MqttBridgeException($"the broker answered {code} {result.ReasonString}".TrimEnd());
                }

                subscription = new FilterSubscription(filter, id);
                lock (_sync)
                {
                    _filters[filter] = subscription;
                }
            }

            var handler = new Handler(onMessage);
            lock (_sync)
            {
                subscription.Handlers.Add(handler);
            }

            return new Unsubscriber(this, subscription, handler);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        var client = _client;
        _client = null;
        if (client is not null)
        {
            try
            {
                if (client.IsConnected)
                {
                    using var bound = new CancellationTokenSource(_options.MqttTimeout);
                    await client.DisconnectAsync(new MqttClientDisconnectOptions(), bound.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                // Leaving anyway.
            }

            client.Dispose();
        }

        _gate.Dispose();
    }

    private static IoTCoreMessage ToIoTCoreMessage(MqttApplicationMessage message) => new()
    {
        Message = new MqttMessage
        {
            TopicName = message.Topic,
            Payload = message.Payload.ToArray(),
            Retain = message.Retain,
            UserProperties = message.UserProperties is { Count: > 0 } properties
                ? [.. properties.Select(p => new UserProperty { Key = p.Name, Value = p.ReadValueAsString() })]
                : null,
            MessageExpiryIntervalSeconds = message.MessageExpiryInterval > 0 ? message.MessageExpiryInterval : null,
            CorrelationData = message.CorrelationData,
            ResponseTopic = message.ResponseTopic,
            PayloadFormat = message.PayloadFormatIndicator == MqttPayloadFormatIndicator.CharacterData ? PayloadFormat.Utf8 : null,
            ContentType = message.ContentType,
        },
    };

    private async Task<IMqttClient> EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            throw new MqttBridgeException("no MQTT broker is configured for the emulator (--mqtt-host/--mqtt-port)");
        }

        if (_client is { IsConnected: true } connected)
        {
            return connected;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client is { IsConnected: true } raced)
            {
                return raced;
            }

            _client?.Dispose();
            var client = new MqttClientFactory().CreateMqttClient();
            client.ApplicationMessageReceivedAsync += OnMessageAsync;
            client.DisconnectedAsync += e =>
            {
                if (e.ClientWasConnected)
                {
                    Log.MqttDisconnected(_logger, e.Reason.ToString());
                }

                return Task.CompletedTask;
            };
            var clientId = _options.MqttClientId ?? _options.ThingName;
            var options = new MqttClientOptionsBuilder()
                .WithTcpServer(_options.MqttHost, _options.MqttPort)
                .WithTcpServer(o => o.BufferSize = 64 * 1024)
                .WithClientId(clientId)
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithCleanStart()
                .WithTimeout(_options.MqttTimeout)
                .Build();
            try
            {
                using var bound = Bound(cancellationToken);
                await client.ConnectAsync(options, bound.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                client.Dispose();
                throw new MqttBridgeException($"cannot connect to the MQTT broker {_options.MqttHost}:{_options.MqttPort}: {ex.Message}", ex);
            }

            lock (_sync)
            {
                // A new session has no subscriptions; IPC subscribers of the old one must subscribe again.
                _filters.Clear();
            }

            _client = client;
            Log.MqttConnected(_logger, _options.MqttHost!, _options.MqttPort, clientId);
            return client;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        var ids = message.SubscriptionIdentifiers;
        Handler[] targets;
        lock (_sync)
        {
            targets = [.. _filters.Values
                .Where(f => ids is { Count: > 0 } ? ids.Contains(f.SubscriptionId) : TopicFilter.Matches(f.Filter, message.Topic))
                .SelectMany(f => f.Handlers)
                .Distinct()];
        }

        if (targets.Length == 0)
        {
            return;
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(ToIoTCoreMessage(message), IpcJsonContext.Default.IoTCoreMessage);
        foreach (var target in targets)
        {
            try
            {
                await target.OnMessage(payload).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.MqttDeliveryFailed(_logger, message.Topic, ex);
            }
        }
    }

    private CancellationTokenSource Bound(CancellationToken cancellationToken)
    {
        var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_options.MqttTimeout);
        return bound;
    }

    private async Task UnsubscribeAsync(FilterSubscription subscription, Handler handler)
    {
        bool last;
        lock (_sync)
        {
            subscription.Handlers.Remove(handler);
            last = subscription.Handlers.Count == 0 && _filters.TryGetValue(subscription.Filter, out var current) && ReferenceEquals(current, subscription);
            if (last)
            {
                _filters.Remove(subscription.Filter);
            }
        }

        if (last && _client is { IsConnected: true } client)
        {
            try
            {
                using var bound = new CancellationTokenSource(_options.MqttTimeout);
                await client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(subscription.Filter).Build(), bound.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                Log.MqttDisconnected(_logger, ex.Message);
            }
        }
    }

    private sealed class FilterSubscription(string filter, uint subscriptionId)
    {
        public string Filter { get; } = filter;

        public uint SubscriptionId { get; } = subscriptionId;

        public List<Handler> Handlers { get; } = [];
    }

    private sealed class Handler(Func<byte[], ValueTask> onMessage)
    {
        public Func<byte[], ValueTask> OnMessage { get; } = onMessage;
    }

    private sealed class Unsubscriber(IoTCoreBridge bridge, FilterSubscription subscription, Handler handler) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                await bridge.UnsubscribeAsync(subscription, handler).ConfigureAwait(false);
            }
        }
    }
}
