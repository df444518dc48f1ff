using System.Text.Json;
using System.Threading.Channels;
using EdgeInference.EventStream;
using EdgeInference.Greengrass.Ipc.Rpc;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Greengrass.Ipc;

/// <summary>
/// A live streaming operation (SubscribeToTopic, SubscribeToIoTCore, SubscribeToConfigurationUpdate). Events are
/// buffered up to <see cref="GreengrassIpcOptions.SubscriptionBufferCapacity"/>; when full, the oldest is dropped so a
/// slow reader never stalls the shared connection. After a reconnect the client resubscribes and events continue here.
/// Dispose to unsubscribe.
/// </summary>
/// <typeparam name="TEvent">The event shape.</typeparam>
public sealed class IpcSubscription<TEvent> : IRpcStreamObserver, IAsyncDisposable
    where TEvent : class
{
    private readonly GreengrassIpcClient _client;
    private readonly string _eventShape;
    private readonly Func<ReadOnlySpan<byte>, TEvent> _readEvent;
    private readonly ILogger _logger;
    private readonly Channel<TEvent> _events;
    private readonly Lock _sync = new();
    private RpcConnection? _connection;
    private int _streamId;
    private long _droppedEvents;

    /// <param name="readEvent">
    /// Reads one event payload (throws <see cref="JsonException"/> when unreadable). Runs on the receive loop, and the
    /// payload's frame is reused once it returns: the event must hold copies, never the span.
    /// </param>
    internal IpcSubscription(
        GreengrassIpcClient client, string operation, string eventShape, byte[] requestPayload,
        Func<ReadOnlySpan<byte>, TEvent> readEvent, int capacity, ILogger logger)
    {
        _client = client;
        Operation = operation;
        _eventShape = eventShape;
        RequestPayload = requestPayload;
        _readEvent = readEvent;
        _logger = logger;
        _events = Channel.CreateBounded<TEvent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true },
            _ =>
            {
                Interlocked.Increment(ref _droppedEvents);
                Log.EventDropped(_logger, Operation);
            });
    }

    /// <summary>The operation name, e.g. <c>aws.greengrass#SubscribeToTopic</c>.</summary>
    public string Operation { get; }

    /// <summary>The events, in arrival order.</summary>
    public ChannelReader<TEvent> Events => _events.Reader;

    /// <summary>Completes when the subscription ends: cleanly after dispose or a server close, faulted on a stream error or a permanent connection loss.</summary>
    public Task Completion => _events.Reader.Completion;

    /// <summary>Events dropped because the buffer was full.</summary>
    public long DroppedEvents => Interlocked.Read(ref _droppedEvents);

    internal byte[] RequestPayload { get; }

    /// <summary>Reads events until the subscription ends.</summary>
    public IAsyncEnumerable<TEvent> ReadAllAsync(CancellationToken cancellationToken = default) =>
        _events.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Unsubscribes (TerminateStream to the nucleus) and completes <see cref="Events"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        _client.Forget(this);
        RpcConnection? connection;
        int streamId;
        lock (_sync)
        {
            connection = _connection;
            streamId = _streamId;
            _connection = null;
        }

        _events.Writer.TryComplete();
        if (connection is not null)
        {
            await connection.CloseStreamAsync(streamId).ConfigureAwait(false);
        }
    }

    void IRpcStreamObserver.OnEvent(EventStreamMessage message)
    {
        var shape = message.GetHeaderOrNull(RpcHeaders.ServiceModelType)?.TryGetString();
        try
        {
            if (shape is not null && !string.Equals(shape, _eventShape, StringComparison.Ordinal))
            {
                throw IpcErrorFactory.UnexpectedResponseShape(Operation, _eventShape, shape);
            }

            _events.Writer.TryWrite(_readEvent(message.Payload.Span));
        }
        catch (Exception ex) when (ex is JsonException or IpcProtocolException)
        {
            Log.EventUnreadable(_logger, Operation, ex);
        }
    }

    void IRpcStreamObserver.OnStreamClosed(Exception? error)
    {
        lock (_sync)
        {
            _connection = null;
        }

        _client.Forget(this);
        _events.Writer.TryComplete(error);
    }

    void IRpcStreamObserver.OnConnectionLost(Exception reason)
    {
        // The client decides: resubscribe after reconnecting, or Fail() when reconnection is off.
        lock (_sync)
        {
            _connection = null;
        }
    }

    internal void Bind(RpcConnection connection, int streamId)
    {
        lock (_sync)
        {
            _connection = connection;
            _streamId = streamId;
        }
    }

    internal void Fail(Exception reason) => _events.Writer.TryComplete(reason);
}
