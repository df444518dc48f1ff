using System.Text.Json;
using EdgeInference.EventStream;
using EdgeInference.Greengrass.Ipc.Buffers;
using EdgeInference.Greengrass.Ipc.Transport;
using EdgeInference.Greengrass.Ipc.Model;
using EdgeInference.Greengrass.Ipc.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInference.Greengrass.Ipc;

/// <summary>
/// Greengrass v2 IPC client: one multiplexed event-stream RPC connection to the nucleus, with typed operations,
/// modelled errors, per-call timeouts, and reconnect-with-backoff plus resubscription after the socket drops.
/// Thread-safe. Calls made while reconnecting wait (up to <see cref="GreengrassIpcOptions.RequestTimeout"/>);
/// calls pending when the connection drops fail with <see cref="IpcConnectionClosedException"/>.
/// </summary>
public sealed partial class GreengrassIpcClient : IAsyncDisposable
{
    private readonly GreengrassIpcOptions _options;
    private readonly IIpcChannelFactory _channelFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EventStreamOptions _frameOptions;
    private readonly Lock _sync = new();
    private readonly List<ISubscription> _subscriptions = [];
    private readonly CancellationTokenSource _disposing = new();
    private TaskCompletionSource<RpcConnection> _connected = NewConnectedSource();
    private RpcConnection? _connection;
    private Task _supervisor = Task.CompletedTask;
    private bool _started;

    /// <summary>Creates a client. Nothing is opened until <see cref="ConnectAsync"/>.</summary>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="logger">Optional logger.</param>
    /// <param name="timeProvider">Clock for timeouts and backoff; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="channelFactory">Transport; a Unix socket to <see cref="GreengrassIpcOptions.SocketPath"/> by default.</param>
    public GreengrassIpcClient(
        GreengrassIpcOptions options,
        ILogger<GreengrassIpcClient>? logger = null,
        TimeProvider? timeProvider = null,
        IIpcChannelFactory? channelFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _channelFactory = channelFactory ?? new UnixSocketChannelFactory(options.SocketPath!);
        _frameOptions = options.ToFrameOptions();
    }

    private interface ISubscription
    {
        string Operation { get; }

        Task ResubscribeAsync(RpcConnection connection, CancellationToken cancellationToken);

        void Fail(Exception reason);
    }

    /// <summary>True while an authenticated connection is open.</summary>
    public bool IsConnected => _connection?.IsOpen == true;

    /// <summary>Connects the socket and performs the CONNECT handshake; then keeps the connection up.</summary>
    /// <exception cref="IpcConnectionException">The socket could not be connected.</exception>
    /// <exception cref="IpcAccessDeniedException">The nucleus rejected the token.</exception>
    /// <exception cref="IpcTimeoutException">Not done within <see cref="GreengrassIpcOptions.ConnectTimeout"/>.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        lock (_sync)
        {
            if (_started)
            {
                throw new InvalidOperationException("ConnectAsync was already called; the client reconnects by itself.");
            }

            _started = true;
        }

        RpcConnection connection;
        try
        {
            connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_sync)
            {
                _started = false;
            }

            throw;
        }

        Install(connection);
        _supervisor = Task.Run(() => SuperviseAsync(connection), CancellationToken.None);
    }

    /// <summary>Sends a Ping and waits for the PingResponse.</summary>
    /// <returns>The round-trip time.</returns>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        using var scope = CallScope(cancellationToken);
        try
        {
            var connection = await GetConnectionAsync(scope.Token).ConfigureAwait(false);
            var started = _time.GetTimestamp();
            await connection.PingAsync(scope.Token).ConfigureAwait(false);
            return _time.GetElapsedTime(started);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw CancellationFailure(scope, cancellationToken, "Ping");
        }
    }

    /// <summary>Invokes a request/response operation.</summary>
    /// <exception cref="IpcOperationException">The nucleus answered with an error (see the subclasses).</exception>
    /// <exception cref="IpcTransportException">The connection failed or the peer broke the protocol.</exception>
    /// <exception cref="IpcTimeoutException">No response within <see cref="GreengrassIpcOptions.RequestTimeout"/>.</exception>
    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        IpcOperation<TRequest, TResponse> operation, TRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return await InvokeAsync(operation, JsonSerializer.SerializeToUtf8Bytes(request, operation.RequestInfo), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Invokes a request/response operation with a request payload already serialised (UTF-8 JSON of the request shape).</summary>
    internal Task<TResponse> InvokeAsync<TRequest, TResponse>(
        IpcOperation<TRequest, TResponse> operation, byte[] payload, CancellationToken cancellationToken = default) =>
        InvokeAsync(operation, payload, pooled: null, cancellationToken);

    /// <summary>
    /// Invokes a request/response operation with a request written into a pooled buffer, which goes back to the pool as
    /// soon as the request is on the wire (or cannot be sent).
    /// </summary>
    internal Task<TResponse> InvokeAsync<TRequest, TResponse>(
        IpcOperation<TRequest, TResponse> operation, PooledBufferWriter request, CancellationToken cancellationToken = default) =>
        InvokeAsync(operation, request.WrittenMemory, request, cancellationToken);

    private async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        IpcOperation<TRequest, TResponse> operation, ReadOnlyMemory<byte> payload, PooledBufferWriter? pooled, CancellationToken cancellationToken)
    {
        using var scope = CallScope(cancellationToken);
        try
        {
            RpcConnection connection;
            RpcStream stream;
            try
            {
                connection = await GetConnectionAsync(scope.Token).ConfigureAwait(false);
                stream = await connection.StartStreamAsync(operation.Name, payload, null, scope.Token).ConfigureAwait(false);
            }
            finally
            {
                // The frame was encoded into the pipe (or never will be): the request's buffer is free again.
                pooled?.Dispose();
            }

            try
            {
                var response = await stream.Response.WaitAsync(scope.Token).ConfigureAwait(false);
                return ParseResponse(operation, response);
            }
            finally
            {
                // No-op when the nucleus already terminated the stream; otherwise abandons it cleanly.
                await connection.CloseStreamAsync(stream.Id).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw CancellationFailure(scope, cancellationToken, operation.Name);
        }
    }

    /// <summary>Starts a streaming operation and waits for its response; events then arrive on the subscription.</summary>
    /// <exception cref="IpcOperationException">The nucleus refused the subscription.</exception>
    public Task<IpcSubscription<TEvent>> SubscribeAsync<TRequest, TResponse, TEvent>(
        IpcStreamingOperation<TRequest, TResponse, TEvent> operation, TRequest request, CancellationToken cancellationToken = default)
        where TEvent : class
    {
        ArgumentNullException.ThrowIfNull(operation);
        var eventInfo = operation.EventInfo;
        return SubscribeAsync(
            operation.Operation,
            operation.EventShape,
            payload => JsonSerializer.Deserialize(payload, eventInfo) ?? throw new JsonException("The event payload was JSON null."),
            request,
            cancellationToken);
    }

    /// <summary>Starts a streaming operation whose events <paramref name="readEvent"/> reads (copying out what it keeps).</summary>
    internal async Task<IpcSubscription<TEvent>> SubscribeAsync<TRequest, TResponse, TEvent>(
        IpcOperation<TRequest, TResponse> operation, string eventShape, Func<ReadOnlySpan<byte>, TEvent> readEvent, TRequest request, CancellationToken cancellationToken)
        where TEvent : class
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, operation.RequestInfo);
        var subscription = new IpcSubscription<TEvent>(
            this, operation.Name, eventShape, payload, readEvent, _options.SubscriptionBufferCapacity, _logger);
        var handle = new SubscriptionHandle<TRequest, TResponse, TEvent>(operation, subscription);
        using var scope = CallScope(cancellationToken);
        try
        {
            var connection = await GetConnectionAsync(scope.Token).ConfigureAwait(false);
            await handle.ResubscribeAsync(connection, scope.Token).ConfigureAwait(false);
            lock (_sync)
            {
                if (!connection.IsOpen)
                {
                    throw IpcErrorFactory.ClosedByPeer();
                }

                _subscriptions.Add(handle);
            }

            return subscription;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw CancellationFailure(scope, cancellationToken, operation.Name);
        }
    }

    /// <summary>Closes the connection; pending calls fail and subscriptions complete.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        RpcConnection? connection;
        ISubscription[] subscriptions;
        lock (_sync)
        {
            connection = _connection;
            _connection = null;
            subscriptions = [.. _subscriptions];
            _subscriptions.Clear();
            _connected.TrySetException(IpcErrorFactory.ClosedByClient());
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Fail(IpcErrorFactory.ClosedByClient());
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await _supervisor.ConfigureAwait(false);
    }

    internal void Forget<TEvent>(IpcSubscription<TEvent> subscription)
        where TEvent : class
    {
        lock (_sync)
        {
            _subscriptions.RemoveAll(s => s is SubscriptionHandleBase<TEvent> h && ReferenceEquals(h.Subscription, subscription));
        }
    }

    private static TaskCompletionSource<RpcConnection> NewConnectedSource() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Reads the response and releases its frame (everything kept is copied out).</summary>
    private static TResponse ParseResponse<TRequest, TResponse>(IpcOperation<TRequest, TResponse> operation, EventStreamMessage response)
    {
        try
        {
            var shape = response.GetHeaderOrNull(RpcHeaders.ServiceModelType)?.TryGetString();
            if (shape is not null && !string.Equals(shape, operation.ResponseShape, StringComparison.Ordinal))
            {
                throw IpcErrorFactory.UnexpectedResponseShape(operation.Name, operation.ResponseShape, shape);
            }

            var body = response.Payload.IsEmpty ? "{}"u8 : response.Payload.Span;
            return JsonSerializer.Deserialize(body, operation.ResponseInfo)
                ?? throw new JsonException("The response payload was JSON null.");
        }
        catch (JsonException ex)
        {
            throw IpcErrorFactory.UnreadableResponse(operation.Name, ex);
        }
        finally
        {
            response.Release();
        }
    }

    private GreengrassIpcException CancellationFailure(CallScope scope, CancellationToken cancellationToken, string what) =>
        scope.TimedOut(cancellationToken) ? IpcErrorFactory.Timeout(what, _options.RequestTimeout) : IpcErrorFactory.ClosedByClient();

    private CallScope CallScope(CancellationToken cancellationToken) =>
        new(cancellationToken, _disposing.Token, _options.RequestTimeout, _time);
}
