namespace EdgeInference.EventStream;

/// <summary>One decoded <c>application/vnd.amazon.eventstream</c> message: ordered headers plus an opaque payload.</summary>
public sealed class EventStreamMessage
{
    /// <summary>Creates a message. Header order is preserved on the wire.</summary>
    public EventStreamMessage(IReadOnlyList<EventStreamHeader> headers, ReadOnlyMemory<byte> payload = default)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Headers = headers;
        Payload = payload;
    }

    /// <summary>The headers in wire order.</summary>
    public IReadOnlyList<EventStreamHeader> Headers { get; }

    /// <summary>The payload bytes (may be empty).</summary>
    public ReadOnlyMemory<byte> Payload { get; }

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
