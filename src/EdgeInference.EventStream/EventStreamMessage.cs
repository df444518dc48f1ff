using System.Buffers;

namespace EdgeInference.EventStream;

/// <summary>One decoded <c>application/vnd.amazon.eventstream</c> message: ordered headers plus an opaque payload.</summary>
public sealed class EventStreamMessage
{
    private readonly ArrayPool<byte>? _pool;
    private byte[]? _rented;

    /// <summary>Creates a message. Header order is preserved on the wire.</summary>
    public EventStreamMessage(IReadOnlyList<EventStreamHeader> headers, ReadOnlyMemory<byte> payload = default)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Headers = headers;
        Payload = payload;
    }

    /// <summary>A decoded message whose payload lies in a frame buffer rented from <paramref name="pool"/>.</summary>
    internal EventStreamMessage(IReadOnlyList<EventStreamHeader> headers, ReadOnlyMemory<byte> payload, byte[] rented, ArrayPool<byte> pool)
        : this(headers, payload)
    {
        _rented = rented;
        _pool = pool;
    }

    /// <summary>The headers in wire order.</summary>
    public IReadOnlyList<EventStreamHeader> Headers { get; }

    /// <summary>The payload bytes (may be empty). After <see cref="Release"/> of a pooled message, no longer valid.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>True while the payload lies in a rented frame buffer (see <see cref="EventStreamOptions.FramePool"/>).</summary>
    public bool IsPooled => Volatile.Read(ref _rented) is not null;

    /// <summary>
    /// Hands a rented frame buffer back to its pool (messages decoded with <see cref="EventStreamOptions.FramePool"/>);
    /// the payload must not be read afterwards. Does nothing for other messages or when called again.
    /// </summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            _pool!.Return(rented);
        }
    }

    /// <summary>Finds the first header with <paramref name="name"/> (compared ignoring ASCII case, as the AWS C library does).</summary>
    public bool TryGetHeader(string name, out HeaderValue value)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = header.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Returns the header's value when present, else <see langword="null"/>.</summary>
    public HeaderValue? GetHeaderOrNull(string name) => TryGetHeader(name, out var value) ? value : (HeaderValue?)null;

    /// <inheritdoc />
    public override string ToString() =>
        $"[{string.Join(", ", Headers)}] payload {Payload.Length} B";
}
