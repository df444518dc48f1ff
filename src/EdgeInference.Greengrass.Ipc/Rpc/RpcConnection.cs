using System.Collections.Concurrent;
using System.Text.Json;
using EdgeInference.EventStream;
using EdgeInference.Greengrass.Ipc.Transport;
using EdgeInference.Greengrass.Ipc.Model;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Greengrass.Ipc.Rpc;

/// <summary>
/// One authenticated event-stream RPC connection: the CONNECT handshake, stream-id allocation, the receive loop and
/// the dispatcher that correlates responses and events by stream id. Knows nothing of reconnection.
/// </summary>
internal sealed class RpcConnection : IAsyncDisposable
{
    private readonly IIpcChannel _channel;
    private readonly EventStreamReader _reader;
    private readonly EventStreamWriter _writer;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<int, RpcStream> _streams = new();
    private readonly ConcurrentQueue<TaskCompletionSource> _pendingPings = new();
    private readonly SemaphoreSlim _newStreamGate = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource<Exception> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _latestStreamId;
    private int _disposed;
    private Task _receiveLoop = Task.CompletedTask;

    private RpcConnection(IIpcChannel channel, EventStreamOptions frameOptions, ILogger logger)
    {
        _channel = channel;
        _reader = new EventStreamReader(channel.Input, frameOptions);
        _writer = new EventStreamWriter(channel.Output, frameOptions);
        _logger = logger;
    }

    /// <summary>Completes with the reason once the connection has ended, for whatever cause.</summary>
    public Task<Exception> Closed => _closed.Task;

    public bool IsOpen => !_closed.Task.IsCompleted;

    /// <summary>Performs the CONNECT/CONNECT_ACK handshake over <paramref name="channel"/> and starts the receive loop.</summary>
    /// <remarks>On failure the channel is disposed.</remarks>
    public static async Task<RpcConnection> OpenAsync(
        IIpcChannel channel, string authToken, EventStreamOptions frameOptions, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = new RpcConnection(channel, frameOptions, logger);
        try
        {
            await connection.HandshakeAsync(authToken, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        connection._receiveLoop = Task.Run(connection.ReceiveLoopAsync, CancellationToken.None);
        return connection;
    }

    /// <summary>Opens a stream: allocates the next id, registers it and sends the first message.</summary>
    public async Task<RpcStream> StartStreamAsync(
        string operation, ReadOnlyMemory<byte> payload, IRpcStreamObserver? observer, CancellationToken cancellationToken)
    {
        await _newStreamGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();
            var id = ++_latestStreamId;
            var stream = new RpcStream(id, operation, observer);
            _streams[id] = stream;
            var message = RpcHeaders.Build(
                RpcMessageType.ApplicationMessage,
                RpcMessageFlags.None,
                id,
                payload,
                new EventStreamHeader(RpcHeaders.Operation, operation),
                new EventStreamHeader(RpcHeaders.ContentType, RpcHeaders.JsonContentType),
                new EventStreamHeader(RpcHeaders.ServiceModelType, operation + "Request"));

            // The id is spent once allocated, so the send runs to completion regardless of the caller's token.
            await SendAsync(message).ConfigureAwait(false);
            return stream;
        }
        finally
        {
            _newStreamGate.Release();
        }
    }

    /// <summary>Closes a stream from the client side (TerminateStream, no payload) and forgets it. Best effort.</summary>
    public async Task CloseStreamAsync(int streamId)
    {
        if (!_streams.TryRemove(streamId, out _) || !IsOpen)
        {
            return;
        }

        try
        {
            await SendAsync(RpcHeaders.Build(RpcMessageType.ApplicationMessage, RpcMessageFlags.TerminateStream, streamId)).ConfigureAwait(false);
        }
        catch (GreengrassIpcException ex)
        {
            Log.CloseStreamFailed(_logger, streamId, ex);
        }
    }

    /// <summary>Forgets a stream without telling the nucleus (it already ended).</summary>
    public void ForgetStream(int streamId) => _streams.TryRemove(streamId, out _);

    /// <summary>Sends a Ping and waits for a PingResponse.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        var pong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingPings.Enqueue(pong);
        await SendAsync(RpcHeaders.Build(RpcMessageType.Ping, RpcMessageFlags.None, 0)).ConfigureAwait(false);
        await pong.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Close(IpcErrorFactory.ClosedByClient());
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        finally
        {
            await _channel.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task HandshakeAsync(string authToken, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new ConnectPayload { AuthToken = authToken }, IpcJsonContext.Default.ConnectPayload);
        await SendAsync(RpcHeaders.Build(
            RpcMessageType.Connect, RpcMessageFlags.None, 0, payload, new EventStreamHeader(RpcHeaders.Version, RpcHeaders.ProtocolVersion))).ConfigureAwait(false);

        EventStreamMessage? ack;
        try
        {
            ack = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (EventStreamException ex)
        {
            throw IpcErrorFactory.CorruptFrame(ex);
        }
        catch (IOException ex)
        {
            throw IpcErrorFactory.ConnectionFailed(ex);
        }

        if (ack is null)
        {
            // The Java nucleus sends a rejecting ConnectAck before closing; an immediate close is also a rejection.
            throw IpcErrorFactory.ClosedByPeer();
        }

        if (!RpcHeaders.TryReadMetadata(ack, out var type, out var flags, out var streamId))
        {
            throw IpcErrorFactory.Protocol("The nucleus answered CONNECT with a message missing :message-type, :message-flags or :stream-id.");
        }

        if (type is RpcMessageType.ProtocolError or RpcMessageType.InternalError)
        {
            throw IpcErrorFactory.ConnectionError(type, ack.Payload);
        }

        if (type != RpcMessageType.ConnectAck || streamId != 0)
        {
            throw IpcErrorFactory.Protocol($"The nucleus answered CONNECT with {type} on stream {streamId} instead of a ConnectAck.");
        }

        if (!flags.HasFlag(RpcMessageFlags.ConnectionAccepted))
        {
            throw IpcErrorFactory.AccessDenied();
        }

        ack.Release();
    }

    private async Task ReceiveLoopAsync()
    {
        Exception reason;
        try
        {
            while (await _reader.ReadAsync(_lifetime.Token).ConfigureAwait(false) is { } message)
            {
                Dispatch(message);
            }

            reason = IpcErrorFactory.ClosedByPeer();
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            reason = IpcErrorFactory.ClosedByClient();
        }
        catch (EventStreamException ex)
        {
            reason = IpcErrorFactory.CorruptFrame(ex);
        }
        catch (IpcProtocolException ex)
        {
            reason = ex;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Loop boundary: socket resets surface as IOException/SocketException; anything else is a bug, still fail calls.
            reason = IpcErrorFactory.ConnectionFailed(ex);
        }

        Close(reason);
    }

    /// <summary>
    /// Routes one message, then hands its pooled frame back unless a response waiter took it (the waiter releases it
    /// after parsing): events, errors and everything else are read and copied out before this returns.
    /// </summary>
    private void Dispatch(EventStreamMessage message)
    {
        var kept = false;
        try
        {
            kept = Route(message);
        }
        finally
        {
            if (!kept)
            {
                message.Release();
            }
        }
    }

    /// <returns>True when someone else now holds <paramref name="message"/> and releases it.</returns>
    private bool Route(EventStreamMessage message)
    {
        if (!RpcHeaders.TryReadMetadata(message, out var type, out var flags, out var streamId))
        {
            throw IpcErrorFactory.Protocol("Received a message missing :message-type, :message-flags or :stream-id.");
        }

        if (streamId == 0)
        {
            return DispatchConnectionMessage(type, message);
        }

        if (type is not (RpcMessageType.ApplicationMessage or RpcMessageType.ApplicationError))
        {
            throw IpcErrorFactory.Protocol($"Received {type} on stream {streamId}; only application messages may use a non-zero stream id.");
        }

        if (!_streams.TryGetValue(streamId, out var stream))
        {
            // A late reply to a cancelled/closed stream: drop it, never fatal.
            Log.DroppedMessageForUnknownStream(_logger, streamId, type);
            return false;
        }

        if (flags.HasFlag(RpcMessageFlags.TerminateStream) || type == RpcMessageType.ApplicationError)
        {
            _streams.TryRemove(streamId, out _);
        }

        return stream.OnMessage(type, flags, message);
    }

    private bool DispatchConnectionMessage(RpcMessageType type, EventStreamMessage message)
    {
        switch (type)
        {
            case RpcMessageType.Ping:
                _ = AnswerPingAsync(message);
                return true;
            case RpcMessageType.PingResponse:
                if (_pendingPings.TryDequeue(out var pong))
                {
                    pong.TrySetResult();
                }

                return false;
            case RpcMessageType.ProtocolError:
            case RpcMessageType.InternalError:
                throw IpcErrorFactory.ConnectionError(type, message.Payload);
            default:
                throw IpcErrorFactory.Protocol($"Received unexpected connection-level message {type}.");
        }
    }

    private async Task AnswerPingAsync(EventStreamMessage ping)
    {
        var echoed = ping.Headers.Where(h => !h.Name.StartsWith(':')).ToArray();
        try
        {
            await SendAsync(RpcHeaders.Build(RpcMessageType.PingResponse, RpcMessageFlags.None, 0, ping.Payload, echoed)).ConfigureAwait(false);
        }
        catch (GreengrassIpcException ex)
        {
            Log.PingResponseFailed(_logger, ex);
        }
        finally
        {
            ping.Release();
        }
    }

    private async Task SendAsync(EventStreamMessage message)
    {
        ThrowIfClosed();
        bool open;
        try
        {
            open = await _writer.WriteAsync(message, _lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            throw ClosedReason();
        }
        catch (IOException ex)
        {
            Close(IpcErrorFactory.ConnectionFailed(ex));
            throw ClosedReason();
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            Close(IpcErrorFactory.ConnectionFailed(ex));
            throw ClosedReason();
        }

        if (!open)
        {
            Close(IpcErrorFactory.ClosedByPeer());
            throw ClosedReason();
        }
    }

    private void ThrowIfClosed()
    {
        if (!IsOpen)
        {
            throw ClosedReason();
        }
    }

    private GreengrassIpcException ClosedReason() =>
        _closed.Task.IsCompletedSuccessfully && _closed.Task.Result is GreengrassIpcException known
            ? known
            : IpcErrorFactory.ClosedByPeer();

    private void Close(Exception reason)
    {
        if (!_closed.TrySetResult(reason))
        {
            return;
        }

        _lifetime.Cancel();
        foreach (var id in _streams.Keys)
        {
            if (_streams.TryRemove(id, out var stream))
            {
                stream.OnConnectionLost(reason);
            }
        }

        while (_pendingPings.TryDequeue(out var pong))
        {
            pong.TrySetException(reason);
            _ = pong.Task.Exception; // observed: a caller that stopped waiting must not leave an unobserved fault
        }

        // Wake a writer blocked on a full pipe and the reader, so nothing waits on a dead channel.
        _channel.Input.CancelPendingRead();
        _channel.Output.CancelPendingFlush();
    }
}
