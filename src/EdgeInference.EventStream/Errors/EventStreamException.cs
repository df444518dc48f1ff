namespace EdgeInference.EventStream;

/// <summary>
/// Base of every decoding/encoding failure raised by this library. A peer that sent one of these frames cannot be
/// resynchronised: close the connection.
/// </summary>
public abstract class EventStreamException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected EventStreamException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>The CRC-32 over the first 8 bytes did not match the prelude CRC (a corrupted length or a desynchronised stream).</summary>
public sealed class EventStreamPreludeChecksumException(uint expected, uint actual)
    : EventStreamException($"Prelude checksum mismatch: frame says 0x{expected:x8}, computed 0x{actual:x8}.")
{
    /// <summary>The CRC carried by the frame.</summary>
    public uint Expected { get; } = expected;

    /// <summary>The CRC computed over the received bytes.</summary>
    public uint Actual { get; } = actual;
}

/// <summary>The trailing CRC-32 over the whole message did not match (corrupted headers or payload).</summary>
public sealed class EventStreamMessageChecksumException(uint expected, uint actual)
    : EventStreamException($"Message checksum mismatch: frame says 0x{expected:x8}, computed 0x{actual:x8}.")
{
    /// <summary>The CRC carried by the frame.</summary>
    public uint Expected { get; } = expected;

    /// <summary>The CRC computed over the received bytes.</summary>
    public uint Actual { get; } = actual;
}

/// <summary>A header carried a value type byte outside 0–9.</summary>
public sealed class EventStreamHeaderTypeException(string headerName, byte typeByte)
    : EventStreamException($"Header '{headerName}' has unknown value type {typeByte}.")
{
    /// <summary>The header's name.</summary>
    public string HeaderName { get; } = headerName;

    /// <summary>The unknown type byte.</summary>
    public byte TypeByte { get; } = typeByte;
}

/// <summary>The frame is structurally invalid or was cut off before its end.</summary>
public sealed class EventStreamMalformedFrameException(string message)
    : EventStreamException(message)
{
}

/// <summary>The frame (or its headers block) is larger than the configured <see cref="EventStreamOptions"/> limit.</summary>
public sealed class EventStreamFrameTooLargeException(string what, long size, long limit)
    : EventStreamException($"{what} of {size} bytes exceeds the limit of {limit} bytes.")
{
    /// <summary>The size the frame declared.</summary>
    public long Size { get; } = size;

    /// <summary>The configured limit.</summary>
    public long Limit { get; } = limit;
}
