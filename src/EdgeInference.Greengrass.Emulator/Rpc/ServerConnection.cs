using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.EventStream;
using EdgeInference.Greengrass.Ipc.Rpc;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Greengrass.Emulator.Rpc;

/// <summary>
/// The nucleus end of one client connection: CONNECT/CONNECT_ACK with SVCUID authentication, pings, the stream table
/// (ids must grow by exactly one), dispatch of each new stream to the service host, client TerminateStream, and the
/// connection-level ProtocolError answers of aws-c-event-stream.
/// </summary>
internal sealed class ServerConnection : IServerStreamSink, IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly EventStreamReader _reader;
    private readonly EventStreamWriter _writer;
    private readonly IIpcServiceHost _host;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lifetime;
    private readonly ConcurrentDictionary<int, ServerStream> _streams = new();
    private readonly ConcurrentDictionary<int, Task> _handlers = new();
    private int _latestStreamId;
    private int _disposed;

    public ServerConnection(Socket socket, IIpcServiceHost host, EventStreamOptions frameOptions, ILogger logger, CancellationToken shutdown)
    {
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: true);
        // 64 KiB reads, as the client's: in the pipe's default 4 KiB a 230 KB image's frame takes ~77 reads.
        _input = PipeReader.Create(_network, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(_network, new StreamPipeWriterOptions(leaveOpen: true));
        _reader = new EventStreamReader(_input, frameOptions);
        _writer = new EventStreamWriter(_output, frameOptions);
        _host = host;
        _logger = logger;
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
    }

    /// <summary>The authenticated component, once CONNECT succeeded.</summary>
    public string? ComponentName { get; private set; }

    /// <summary>Serves the connection until the client leaves, breaks the protocol, or the emulator stops.</summary>
    public async Task RunAsync()
    {
        var token = _lifetime.Token;
        try
        {
            if (await HandshakeAsync(token).ConfigureAwait(false))
            {
                await ServeAsync(token).ConfigureAwait(false);
            }
        }
        catch (EventStreamException ex)
        {
            Log.CorruptFrame(_logger, ComponentName ?? "(unauthenticated)", ex);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The emulator is stopping.
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            Log.ConnectionFailed(_logger, ComponentName ?? "(unauthenticated)", ex);
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask<bool> SendAsync(EventStreamMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return await _writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away; its streams are cleaned up by the read loop.
            return false;
        }
    }

    public void Forget(int streamId) => _streams.TryRemove(streamId, out _);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        foreach (var stream in _streams.Values)
        {
            await stream.CloseFromPeerAsync().ConfigureAwait(false);
        }

        _streams.Clear();
        try
        {
            await Task.WhenAll(_handlers.Values).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Handlers observe the cancelled token; a slow one is abandoned.
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        await _input.CompleteAsync().ConfigureAwait(false);
        await _output.CompleteAsync().ConfigureAwait(false);
        await _network.DisposeAsync().ConfigureAwait(false);
        _lifetime.Dispose();
    }

    private async Task<bool> HandshakeAsync(CancellationToken cancellationToken)
    {
        var connect = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (connect is null)
        {
            return false;
        }

        if (!RpcHeaders.TryReadMetadata(connect, out var type, out _, out var streamId))
        {
            await SendConnectionErrorAsync(RpcMessageType.ProtocolError, ProtocolTexts.MissingFields, cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (type != RpcMessageType.Connect || streamId != 0)
        {
            await SendConnectionErrorAsync(RpcMessageType.ProtocolError, ProtocolTexts.ConnectFirst, cancellationToken).ConfigureAwait(false);
            return false;
        }

        var version = connect.GetHeaderOrNull(RpcHeaders.Version)?.TryGetString();
        var authToken = version == RpcHeaders.ProtocolVersion ? ReadAuthToken(connect.Payload) : null;
        connect.Release();
        var component = string.IsNullOrEmpty(authToken) ? null : _host.Authenticate(authToken);
        var accepted = component is not null;
        await SendAsync(
            RpcHeaders.Build(RpcMessageType.ConnectAck, accepted ? RpcMessageFlags.ConnectionAccepted : RpcMessageFlags.None, 0),
            cancellationToken).ConfigureAwait(false);
        if (!accepted)
        {
            Log.ConnectRejected(_logger, version ?? "(none)", authToken is null ? "missing" : "unknown");
            return false;
        }

        ComponentName = component;
        Log.ComponentConnected(_logger, component!);
        return true;
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        while (await _reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } message)
        {
            // Frames lie in pooled buffers: each goes back once handled, an operation's once its handler has finished.
            var served = Served.Close;
            try
            {
                served = await ServeOneAsync(message, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (served != Served.HandedOver)
                {
                    message.Release();
                }
            }

            if (served == Served.Close)
            {
                return;
            }
        }
    }

    private async Task<Served> ServeOneAsync(EventStreamMessage message, CancellationToken cancellationToken)
    {
        if (!RpcHeaders.TryReadMetadata(message, out var type, out var flags, out var streamId))
        {
            await SendConnectionErrorAsync(RpcMessageType.ProtocolError, ProtocolTexts.MissingFields, cancellationToken).ConfigureAwait(false);
            return Served.Close;
        }

        var isApplication = type is RpcMessageType.ApplicationMessage or RpcMessageType.ApplicationError;
        if (isApplication != (streamId > 0) || streamId < 0)
        {
            await SendConnectionErrorAsync(RpcMessageType.ProtocolError, ProtocolTexts.StreamIdForType, cancellationToken).ConfigureAwait(false);
            return Served.Close;
        }

        switch (type)
        {
            case RpcMessageType.ApplicationMessage:
            case RpcMessageType.ApplicationError:
                return await OnApplicationMessageAsync(message, type, flags, streamId, cancellationToken).ConfigureAwait(false);
            case RpcMessageType.Ping:
                await SendAsync(EchoPing(message), cancellationToken).ConfigureAwait(false);
                return Served.Done;
            case RpcMessageType.PingResponse:
                return Served.Done;
            case RpcMessageType.Connect:
                await SendConnectionErrorAsync(RpcMessageType.ProtocolError, ProtocolTexts.SecondConnect, cancellationToken).ConfigureAwait(false);
                return Served.Close;
            case RpcMessageType.ProtocolError:
            case RpcMessageType.InternalError:
                Log.ClientReportedError(_logger, ComponentName!, type, Encoding.UTF8.GetString(message.Payload.Span));
                return Served.Close;
            default:
                await SendConnectionErrorAsync(RpcMessageType.ProtocolError, ProtocolTexts.InvalidMessageType, cancellationToken).ConfigureAwait(false);
                return Served.Close;
        }
    }

    private async Task<Served> OnApplicationMessageAsync(
        EventStreamMessage message, RpcMessageType type, RpcMessageFlags flags, int streamId, CancellationToken cancellationToken)
    {
        var terminate = flags.HasFlag(RpcMessageFlags.TerminateStream);
        if (_streams.TryGetValue(streamId, out var existing))
        {
            if (terminate || type == RpcMessageType.ApplicationError)
            {
                _streams.TryRemove(streamId, out _);
                await existing.CloseFromPeerAsync().ConfigureAwait(false);
            }

            // Greengrass operations take one request per stream; later client messages without the flag are ignored.
            return Served.Done;
        }

        if (streamId <= _latestStreamId)
        {
            if (terminate)
            {
                return Served.Done;
            }

            await SendConnectionErrorAsync(RpcMessageType.ProtocolError, ProtocolTexts.StreamClosed, cancellationToken).ConfigureAwait(false);
            return Served.Close;
        }

        if (streamId != _latestStreamId + 1)
        {
            await SendConnectionErrorAsync(RpcMessageType.ProtocolError, ProtocolTexts.StreamIdSkipped, cancellationToken).ConfigureAwait(false);
            return Served.Close;
        }

        _latestStreamId = streamId;
        if (message.GetHeaderOrNull(RpcHeaders.Operation)?.TryGetString() is not { Length: > 0 } operation)
        {
            await SendConnectionErrorAsync(RpcMessageType.ProtocolError, ProtocolTexts.MissingOperation, cancellationToken).ConfigureAwait(false);
            return Served.Close;
        }

        if (type == RpcMessageType.ApplicationError)
        {
            return Served.Done;
        }

        var stream = new ServerStream(this, streamId, operation);
        _streams[streamId] = stream;
        var context = new OperationContext(ComponentName!, stream, message.Payload, cancellationToken);
        var handler = Task.Run(
            async () =>
            {
                try
                {
                    await RunOperationAsync(context).ConfigureAwait(false);
                }
                finally
                {
                    message.Release();
                }
            },
            CancellationToken.None);
        _handlers[streamId] = handler;
        _ = handler.ContinueWith(_ => _handlers.TryRemove(streamId, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Served.HandedOver;
    }

    private async Task RunOperationAsync(OperationContext context)
    {
        string? errorCode = null;
        Func<ValueTask<bool>>? answerWithError = null;
        var stream = context.Stream;
        var token = context.CancellationToken;
        var call = _host.RecordCallStarted(context.ComponentName, context.Operation);
        try
        {
            await _host.HandleAsync(context).ConfigureAwait(false);
        }
        catch (ModelledErrorException ex)
        {
            errorCode = ex.ErrorCode;
            answerWithError = () => stream.SendModelledErrorAsync(ex.ErrorCode, ex.Message, ex.ExtraMembers, token);
        }
        catch (RequestDeserializationException ex)
        {
            errorCode = "InternalServerError";
            Log.RequestUnreadable(_logger, context.ComponentName, context.Operation, ex);
            answerWithError = () => stream.SendInternalServerErrorAsync(token);
        }
        catch (UnsupportedOperationException)
        {
            errorCode = "UnsupportedOperation";
            answerWithError = () => stream.SendUnsupportedOperationAsync(token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The nucleus turns every non-modelled runtime failure into ServiceError(message).
            errorCode = "ServiceError";
            Log.OperationFailed(_logger, context.ComponentName, context.Operation, ex);
            answerWithError = () => stream.SendModelledErrorAsync("ServiceError", ex.Message, null, token);
        }

        // Recorded before the error goes out, so whoever reads Calls after seeing the error finds its code there.
        _host.RecordCallAnswered(call, errorCode);
        if (answerWithError is not null)
        {
            await answerWithError().ConfigureAwait(false);
        }
    }

    private async Task SendConnectionErrorAsync(RpcMessageType type, string text, CancellationToken cancellationToken)
    {
        Log.ProtocolViolation(_logger, ComponentName ?? "(unauthenticated)", text);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["message"] = text });
        await SendAsync(
            RpcHeaders.Build(type, RpcMessageFlags.None, 0, payload, new EventStreamHeader(RpcHeaders.ContentType, RpcHeaders.JsonContentType)),
            cancellationToken).ConfigureAwait(false);
    }

    private static EventStreamMessage EchoPing(EventStreamMessage ping) =>
        RpcHeaders.Build(
            RpcMessageType.PingResponse,
            RpcMessageFlags.None,
            0,
            ping.Payload,
            [.. ping.Headers.Where(h => !h.Name.StartsWith(':'))]);

    private static string? ReadAuthToken(ReadOnlyMemory<byte> payload)
    {
        try
        {
            return payload.IsEmpty ? null : JsonNode.Parse(payload.Span)?["authToken"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>What became of one frame.</summary>
    private enum Served
    {
        /// <summary>Handled; the connection goes on.</summary>
        Done,

        /// <summary>An operation's handler has it now and gives its buffer back.</summary>
        HandedOver,

        /// <summary>The connection must close.</summary>
        Close,
    }
}

/// <summary>Connection-level error texts (aws-c-event-stream <c>event_stream_rpc_priv.h</c> wording where known).</summary>
internal static class ProtocolTexts
{
    public const string MissingFields = "A message was received with missing required fields. Check that all values are sent, and the correct data types are used.";
    public const string ConnectFirst = "A CONNECT message must be received, and the CONNECT_ACK must be sent in response, before any other message-types can be sent on this connection. In addition, only one CONNECT message is allowed on a connection.";
    public const string SecondConnect = ConnectFirst;
    public const string StreamIdForType = "non-zero stream-id field is only allowed for messages of type APPLICATION_MESSAGE. The stream id field for APPLICATION_MESSAGE must be greater than 0.";
    public const string InvalidMessageType = "an invalid value for message-type field was received.";
    public const string StreamIdSkipped = "stream-id values must be monotonically incrementing. A new stream-id arrived that was incremented by more than 1.";
    public const string StreamClosed = "A message was received for a stream-id that is no longer open.";
    public const string MissingOperation = "The first message of a new stream must carry the operation header.";
}
