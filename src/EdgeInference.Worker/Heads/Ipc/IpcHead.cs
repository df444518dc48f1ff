using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Core.Json;
using EdgeInference.Core.Results;
using EdgeInference.Greengrass.Ipc;
using EdgeInference.Greengrass.Ipc.Model;
using EdgeInference.Worker.Configuration;
using EdgeInference.Worker.Hosting;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Requests;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Heads.Ipc;

/// <summary>
/// Serves the request/result/describe/status contract over Greengrass IPC: local pub/sub (<c>Ipc:Target=local</c>) or
/// AWS IoT Core through the nucleus (<c>iotcore</c>, MQTT 5 response topic and correlation data honoured). Connects
/// and says STARTING before the model loads; subscribes after warm-up; reports RUNNING to the nucleus (UpdateState)
/// when the worker is RUNNING and ERRORED when it FAILED. On stop: intake stops, accepted requests finish, then it
/// disconnects. Configuration updates from the nucleus refresh the configuration and may swap the model.
/// </summary>
internal sealed class IpcHead : IHostedLifecycleService, IStatusPublisher, IAsyncDisposable
{
    private readonly GreengrassIpcOptions _ipcOptions;
    private readonly IpcOptions _options;
    private readonly TopicOptions _topics;
    private readonly bool _enabled;
    private readonly DescribeService _describe;
    private readonly RequestDispatcher _dispatcher;
    private readonly WorkerState _state;
    private readonly ModelReloader _reloader;
    private readonly IConfiguration _configuration;
    private readonly ILogger<IpcHead> _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly List<Task> _loops = [];
    private readonly List<IAsyncDisposable> _subscriptions = [];
    private GreengrassIpcClient? _client;
    private ReportedLifecycleState? _reportedState;
    private volatile bool _intakeStopped;

    public IpcHead(
        IOptions<GreengrassIpcOptions> ipcOptions,
        IOptions<IpcOptions> options,
        IOptions<TopicOptions> topics,
        IOptions<WorkerOptions> worker,
        TransportSelection transport,
        DescribeService describe,
        RequestDispatcher dispatcher,
        WorkerState state,
        ModelReloader reloader,
        IConfiguration configuration,
        ILoggerFactory loggerFactory)
    {
        _ipcOptions = ipcOptions.Value;
        _options = options.Value;
        _topics = topics.Value.Resolve(worker.Value.EffectiveThingName);
        _enabled = transport.UsesIpc;
        _describe = describe;
        _dispatcher = dispatcher;
        _state = state;
        _reloader = reloader;
        _configuration = configuration;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<IpcHead>();
    }

    private string Target => _options.UsesIoTCore ? IpcOptions.IoTCoreTarget : IpcOptions.LocalTarget;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!_enabled)
        {
            return;
        }

        if (!TransportSelection.IsGreengrassEnvironment(_ipcOptions))
        {
            throw new IpcHeadException(
                $"Transport=ipc needs the Greengrass IPC socket and token: {GreengrassIpcOptions.SocketPathVariable} and {GreengrassIpcOptions.AuthTokenVariable} " +
                $"are not set (the nucleus sets them; or set {GreengrassIpcOptions.SectionName}:SocketPath and {GreengrassIpcOptions.SectionName}:AuthToken). Use Transport=mqtt outside Greengrass.");
        }

        _describe.Transport = TransportSelection.Ipc;
        try
        {
            _client = new GreengrassIpcClient(_ipcOptions, _loggerFactory.CreateLogger<GreengrassIpcClient>());
            await _client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is GreengrassIpcException or System.ComponentModel.DataAnnotations.ValidationException)
        {
            throw new IpcHeadException($"Cannot connect to the Greengrass nucleus IPC socket '{_ipcOptions.SocketPath}': {ex.Message}", ex);
        }

        WorkerLog.IpcConnected(_logger, _ipcOptions.SocketPath!, Target);
        _state.AddPublisher(this);
        await PublishStatusAsync(_state.Current, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs after the model is loaded and warmed (the loader starts first).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_enabled || _client is null)
        {
            return;
        }

        try
        {
            if (_options.UsesIoTCore)
            {
                var requests = await _client.SubscribeToIoTCoreAsync(_topics.Request, QualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
                var describe = await _client.SubscribeToIoTCoreAsync(_topics.Describe, QualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
                Track(requests, ServeIoTCoreAsync(requests, isDescribe: false, _lifetime.Token));
                Track(describe, ServeIoTCoreAsync(describe, isDescribe: true, _lifetime.Token));
            }
            else
            {
                var requests = await _client.SubscribeToTopicAsync(_topics.Request, cancellationToken: cancellationToken).ConfigureAwait(false);
                var describe = await _client.SubscribeToTopicAsync(_topics.Describe, cancellationToken: cancellationToken).ConfigureAwait(false);
                Track(requests, ServeLocalAsync(requests, isDescribe: false, _lifetime.Token));
                Track(describe, ServeLocalAsync(describe, isDescribe: true, _lifetime.Token));
            }
        }
        catch (IpcOperationException ex)
        {
            var reason = $"The nucleus refused the IPC subscription ({Target}): {ex.Message} Check the recipe's accessControl for {_topics.Request} and {_topics.Describe}.";
            await _state.ReportAsync(_state.Current with { Status = WorkerStates.Failed, StatusMessage = reason }, CancellationToken.None).ConfigureAwait(false);
            throw new IpcHeadException(reason, ex);
        }

        if (FindConfigurationProvider() is { } provider)
        {
            var updates = await _client.SubscribeToConfigurationUpdateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            Track(updates, WatchConfigurationAsync(updates, provider, _lifetime.Token));
        }

        WorkerLog.IpcSubscribed(_logger, _topics.Request, _topics.Describe, Target);
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops intake: no new requests are received; accepted ones still run and reply.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _intakeStopped = true;
        IAsyncDisposable[] subscriptions;
        lock (_subscriptions)
        {
            subscriptions = [.. _subscriptions];
            _subscriptions.Clear();
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
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Disconnects once every head has stopped and the queue has drained.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_client is { } client)
        {
            _client = null;
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async Task PublishStatusAsync(WorkerStatus status, CancellationToken cancellationToken = default)
    {
        var client = _client;
        if (client is null)
        {
            return;
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(status, CoreJsonContext.Default.WorkerStatus);
        try
        {
            if (_options.UsesIoTCore)
            {
                await client.PublishToIoTCoreAsync(
                    new PublishToIoTCoreRequest
                    {
                        TopicName = _topics.Status, Qos = QualityOfService.AtLeastOnce, Payload = payload, Retain = true,
                        ContentType = "application/json", PayloadFormat = PayloadFormat.Utf8,
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await client.PublishToTopicAsync(_topics.Status, AsJsonObject(payload), cancellationToken).ConfigureAwait(false);
            }

            WorkerLog.IpcStatusPublished(_logger, status.Status, _topics.Status);
        }
        catch (Exception ex) when (ex is GreengrassIpcException)
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
            catch (Exception ex) when (ex is GreengrassIpcException)
            {
                WorkerLog.IpcOperationFailed(_logger, "UpdateState", ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (_client is { } client)
        {
            _client = null;
            await client.DisposeAsync().ConfigureAwait(false);
        }

        _lifetime.Dispose();
    }

    private static JsonObject AsJsonObject(byte[] json) =>
        JsonNode.Parse(json) as JsonObject ?? throw new InvalidOperationException("A reply must be a JSON object.");

    private void Track(IAsyncDisposable subscription, Task loop)
    {
        lock (_subscriptions)
        {
            _subscriptions.Add(subscription);
        }

        _loops.Add(loop);
    }

    private GreengrassConfigurationProvider? FindConfigurationProvider() =>
        (_configuration as IConfigurationRoot)?.Providers.OfType<GreengrassConfigurationProvider>().LastOrDefault();

    private async Task ServeLocalAsync(IpcSubscription<SubscriptionResponseMessage> subscription, bool isDescribe, CancellationToken cancellationToken)
    {
        var topic = isDescribe ? _topics.Describe : _topics.Request;
        try
        {
            await foreach (var message in subscription.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    var payload = message.BinaryMessage?.Message
                        ?? (message.JsonMessage?.Message is { } json ? System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()) : []);
                    await HandleAsync(payload, isDescribe, responseTopic: null, correlationData: null).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Loop boundary: a failing message never stops the receive loop.
                    WorkerLog.RequestCrashed(_logger, ex);
                }
            }

            LogEnded(topic, subscription.Completion.Exception?.InnerException, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is GreengrassIpcException)
        {
            LogEnded(topic, ex, cancellationToken);
        }
    }

    private async Task ServeIoTCoreAsync(IpcSubscription<IoTCoreMessage> subscription, bool isDescribe, CancellationToken cancellationToken)
    {
        var topic = isDescribe ? _topics.Describe : _topics.Request;
        try
        {
            await foreach (var message in subscription.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    var mqtt = message.Message;
                    await HandleAsync(mqtt?.Payload ?? [], isDescribe, mqtt?.ResponseTopic, mqtt?.CorrelationData, UserProperty(mqtt, "RequestId")).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    WorkerLog.RequestCrashed(_logger, ex);
                }
            }

            LogEnded(topic, subscription.Completion.Exception?.InnerException, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is GreengrassIpcException)
        {
            LogEnded(topic, ex, cancellationToken);
        }
    }

    private void LogEnded(string topic, Exception? exception, CancellationToken cancellationToken)
    {
        if (!cancellationToken.IsCancellationRequested && !_intakeStopped)
        {
            WorkerLog.IpcSubscriptionEnded(_logger, topic, exception);
        }
    }

    private async Task HandleAsync(byte[] payload, bool isDescribe, string? responseTopic, byte[]? correlationData, string? requestIdHint = null)
    {
        if (isDescribe)
        {
            var (describeId, describeReplyTo) = ReadDescribeRequest(payload);
            await ReplyAsync(ReplyTopic(responseTopic, describeReplyTo, _topics.DescribeReply), correlationData, _describe.BuildJson(describeId ?? requestIdHint)).ConfigureAwait(false);
            return;
        }

        if (_intakeStopped)
        {
            return;
        }

        await _dispatcher.DispatchAsync(
            new ReadOnlySequence<byte>(payload),
            requestIdHint,
            replyTo => ReplyTopic(responseTopic, replyTo, _topics.Result),
            (topic, reply) => ReplyAsync(topic, correlationData, reply)).ConfigureAwait(false);
    }

    private string ReplyTopic(string? responseTopic, string? replyTo, string fallback) =>
        RequestDispatcher.ChooseReplyTopic(_topics, responseTopic, replyTo, fallback);

    private async Task ReplyAsync(string topic, byte[]? correlationData, byte[] payload)
    {
        var client = _client;
        if (client is null)
        {
            return;
        }

        try
        {
            if (_options.UsesIoTCore)
            {
                await client.PublishToIoTCoreAsync(
                    new PublishToIoTCoreRequest
                    {
                        TopicName = topic, Qos = QualityOfService.AtLeastOnce, Payload = payload,
                        CorrelationData = correlationData is { Length: > 0 } ? correlationData : null,
                        ContentType = "application/json", PayloadFormat = PayloadFormat.Utf8,
                    },
                    _lifetime.Token).ConfigureAwait(false);
            }
            else
            {
                await client.PublishToTopicAsync(topic, AsJsonObject(payload), _lifetime.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is GreengrassIpcException or OperationCanceledException)
        {
            WorkerLog.IpcOperationFailed(_logger, $"reply to {topic}", ex);
        }
    }

    private async Task WatchConfigurationAsync(IpcSubscription<ConfigurationUpdateEvents> updates, GreengrassConfigurationProvider provider, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in updates.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    WorkerLog.ConfigurationChanged(_logger, string.Join('/', update.ConfigurationUpdateEvent?.KeyPath ?? []));
                    var client = _client ?? throw new OperationCanceledException();
                    var current = await client.GetConfigurationAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    provider.Apply(current.Value);
                    await _reloader.ApplyAsync(_configuration, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is GreengrassIpcException)
                {
                    WorkerLog.IpcOperationFailed(_logger, "GetConfiguration after an update", ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is GreengrassIpcException)
        {
            LogEnded("configuration updates", ex, cancellationToken);
        }
    }

    private static string? UserProperty(MqttMessage? message, string name) =>
        message?.UserProperties?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase))?.Value;

    private static (string? RequestId, string? ReplyTo) ReadDescribeRequest(byte[] payload)
    {
        if (payload.Length == 0)
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            return (Text(root, "RequestId"), Text(root, "ReplyTo"));
        }
        catch (JsonException)
        {
            return (null, null);
        }

        static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}

/// <summary>The IPC head cannot serve: no nucleus to talk to, or it refused us.</summary>
public sealed class IpcHeadException : Exception
{
    public IpcHeadException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
