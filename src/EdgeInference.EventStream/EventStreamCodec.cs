using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;

namespace EdgeInference.EventStream;

/// <summary>
/// Encodes and decodes <c>application/vnd.amazon.eventstream</c> frames:
/// <c>total_length · headers_length · prelude_crc · headers · payload · message_crc</c>, all big-endian, CRC-32 (IEEE).
/// Pure functions, no I/O; see <see cref="EventStreamReader"/> and <see cref="EventStreamWriter"/> for pipes.
/// </summary>
public static partial class EventStreamCodec
{
    /// <summary>Bytes before the headers block: total length, headers length, prelude CRC.</summary>
    public const int PreludeLength = 12;

    /// <summary>Bytes of framing around headers and payload (prelude plus the trailing CRC).</summary>
    public const int FramingOverhead = PreludeLength + 4;

    /// <summary>The smallest legal frame: no headers, empty payload.</summary>
    public const int MinimumMessageSize = FramingOverhead;

    /// <summary>Returns the exact encoded size of <paramref name="message"/>.</summary>
    public static int GetEncodedLength(EventStreamMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return checked(FramingOverhead + GetHeadersLength(message.Headers) + message.Payload.Length);
    }

    /// <summary>Encodes <paramref name="message"/> into a new array.</summary>
    /// <exception cref="EventStreamFrameTooLargeException">The frame exceeds the limits in <paramref name="options"/>.</exception>
    public static byte[] Encode(EventStreamMessage message, EventStreamOptions? options = null)
    {
        var buffer = new ArrayBufferWriter<byte>(GetEncodedLength(message));
        Encode(message, buffer, options);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes <paramref name="message"/> as one contiguous frame into <paramref name="destination"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="EventStreamFrameTooLargeException">The frame exceeds the limits in <paramref name="options"/>.</exception>
    /// <exception cref="ArgumentException">A header name is empty or longer than 255 UTF-8 bytes.</exception>
    public static int Encode(EventStreamMessage message, IBufferWriter<byte> destination, EventStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(destination);
        options ??= EventStreamOptions.Default;

        var headersLength = GetHeadersLength(message.Headers);
        var total = (long)FramingOverhead + headersLength + message.Payload.Length;
        if (message.Headers.Count > options.MaxHeaderCount)
        {
            throw new EventStreamFrameTooLargeException("Header count", message.Headers.Count, options.MaxHeaderCount);
        }

        if (headersLength > options.MaxHeadersLength)
        {
            throw new EventStreamFrameTooLargeException("Headers block", headersLength, options.MaxHeadersLength);
        }

        if (total > options.MaxMessageSize)
        {
            throw new EventStreamFrameTooLargeException("Message", total, options.MaxMessageSize);
        }

        var length = (int)total;
        var frame = destination.GetSpan(length)[..length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)length);
        BinaryPrimitives.WriteUInt32BigEndian(frame[4..], (uint)headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(frame[8..], Crc32.HashToUInt32(frame[..8]));
        WriteHeaders(message.Headers, frame.Slice(PreludeLength, headersLength));
        message.Payload.Span.CopyTo(frame[(PreludeLength + headersLength)..]);
        BinaryPrimitives.WriteUInt32BigEndian(frame[(length - 4)..], Crc32.HashToUInt32(frame[..(length - 4)]));
        destination.Advance(length);
        return length;
    }

    /// <summary>
    /// Decodes one frame from the start of <paramref name="buffer"/> when it is complete, and slices it off.
    /// The prelude is verified (CRC, then limits) as soon as 12 bytes are present, before anything is allocated.
    /// </summary>
    /// <returns><see langword="true"/> with a message; <see langword="false"/> when more bytes are needed.</returns>
    /// <exception cref="EventStreamException">The bytes are not a valid frame (a subclass says which check failed).</exception>
    public static bool TryDecode(
        ref ReadOnlySequence<byte> buffer,
        [NotNullWhen(true)] out EventStreamMessage? message,
        EventStreamOptions? options = null)
    {
        options ??= EventStreamOptions.Default;
        message = null;
        if (buffer.Length < PreludeLength)
        {
            return false;
        }

        Span<byte> prelude = stackalloc byte[PreludeLength];
        buffer.Slice(0, PreludeLength).CopyTo(prelude);
        var (total, headersLength) = ReadPrelude(prelude, options);
        if (buffer.Length < total)
        {
            return false;
        }

        // The one copy out of the transport's buffers; nothing reads the array before the copy fills it.
        var pool = options.FramePool;
        var frame = pool is null ? GC.AllocateUninitializedArray<byte>(total) : pool.Rent(total);
        try
        {
            buffer.Slice(0, total).CopyTo(frame);
            message = DecodeVerifiedPrelude(frame, total, headersLength, options, pool);
        }
        catch when (pool is not null)
        {
            pool.Return(frame);
            throw;
        }

        buffer = buffer.Slice(total);
        return true;
    }

    /// <summary>Decodes exactly one whole frame.</summary>
    /// <exception cref="EventStreamException">The bytes are not exactly one valid frame.</exception>
    public static EventStreamMessage Decode(ReadOnlySpan<byte> frame, EventStreamOptions? options = null)
    {
        options ??= EventStreamOptions.Default;
        if (frame.Length < PreludeLength)
        {
            throw Truncated(frame.Length, PreludeLength);
        }

        var (total, headersLength) = ReadPrelude(frame[..PreludeLength], options);
        if (frame.Length < total)
        {
            throw Truncated(frame.Length, total);
        }

        if (frame.Length > total)
        {
            throw new EventStreamMalformedFrameException(
                $"Frame declares {total} bytes but {frame.Length} were given (trailing bytes).");
        }

        return DecodeVerifiedPrelude(frame.ToArray(), total, headersLength, options, rentedFrom: null);
    }

    internal static EventStreamMalformedFrameException Truncated(long have, long need) =>
        new($"Frame truncated: {have} of {need} bytes present.");

    private static (int Total, int HeadersLength) ReadPrelude(ReadOnlySpan<byte> prelude, EventStreamOptions options)
    {
        var expected = BinaryPrimitives.ReadUInt32BigEndian(prelude[8..]);
        var actual = Crc32.HashToUInt32(prelude[..8]);
        if (expected != actual)
        {
            throw new EventStreamPreludeChecksumException(expected, actual);
        }

        long total = BinaryPrimitives.ReadUInt32BigEndian(prelude);
        long headersLength = BinaryPrimitives.ReadUInt32BigEndian(prelude[4..]);
        if (total > options.MaxMessageSize)
        {
            throw new EventStreamFrameTooLargeException("Message", total, options.MaxMessageSize);
        }

        if (total < MinimumMessageSize)
        {
            throw new EventStreamMalformedFrameException($"Total length {total} is below the 16-byte minimum.");
        }

        if (headersLength > total - FramingOverhead)
        {
            throw new EventStreamMalformedFrameException(
                $"Headers length {headersLength} does not fit in a {total}-byte message.");
        }

        if (headersLength > options.MaxHeadersLength)
        {
            throw new EventStreamFrameTooLargeException("Headers block", headersLength, options.MaxHeadersLength);
        }

        return ((int)total, (int)headersLength);
    }

    /// <param name="frame">The frame in its first <paramref name="total"/> bytes (a rented array may be longer).</param>
    /// <param name="rentedFrom">The pool <paramref name="frame"/> was rented from, or null when the message owns it.</param>
    private static EventStreamMessage DecodeVerifiedPrelude(byte[] frame, int total, int headersLength, EventStreamOptions options, ArrayPool<byte>? rentedFrom)
    {
        var span = frame.AsSpan(0, total);
        var expected = BinaryPrimitives.ReadUInt32BigEndian(span[^4..]);
        var actual = Crc32.HashToUInt32(span[..^4]);
        if (expected != actual)
        {
            throw new EventStreamMessageChecksumException(expected, actual);
        }

        var headers = ReadHeaders(span.Slice(PreludeLength, headersLength), options);
        var payloadStart = PreludeLength + headersLength;
        var payload = new ReadOnlyMemory<byte>(frame, payloadStart, total - 4 - payloadStart);
        return rentedFrom is null ? new EventStreamMessage(headers, payload) : new EventStreamMessage(headers, payload, frame, rentedFrom);
    }
}
