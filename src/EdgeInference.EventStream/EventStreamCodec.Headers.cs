using System.Buffers.Binary;
using System.Text;

namespace EdgeInference.EventStream;

public static partial class EventStreamCodec
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static int GetHeadersLength(IReadOnlyList<EventStreamHeader> headers)
    {
        var length = 0;
        foreach (var header in headers)
        {
            var nameLength = GetNameLength(header.Name);
            length = checked(length + 1 + nameLength + 1 + GetValueLength(header.Value));
        }

        return length;
    }

    private static int GetNameLength(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("Header names must not be empty.", nameof(name));
        }

        var length = Encoding.UTF8.GetByteCount(name);
        if (length > EventStreamHeader.MaxNameLength)
        {
            throw new ArgumentException($"Header name '{name}' is {length} UTF-8 bytes; the limit is 255.", nameof(name));
        }

        return length;
    }

    private static int GetValueLength(HeaderValue value) => value.Type switch
    {
        HeaderValueType.BoolTrue or HeaderValueType.BoolFalse => 0,
        HeaderValueType.Byte => 1,
        HeaderValueType.Int16 => 2,
        HeaderValueType.Int32 => 4,
        HeaderValueType.Int64 or HeaderValueType.Timestamp => 8,
        HeaderValueType.ByteArray => 2 + ((byte[])value.RawReference!).Length,
        HeaderValueType.String => 2 + Encoding.UTF8.GetByteCount((string)value.RawReference!),
        HeaderValueType.Uuid => 16,
        _ => throw new ArgumentException($"Unknown header value type {value.Type}.", nameof(value)),
    };

    private static void WriteHeaders(IReadOnlyList<EventStreamHeader> headers, Span<byte> destination)
    {
        var position = 0;
        foreach (var header in headers)
        {
            var nameLength = Encoding.UTF8.GetBytes(header.Name, destination[(position + 1)..]);
            destination[position] = (byte)nameLength;
            position += 1 + nameLength;
            destination[position++] = (byte)header.Value.Type;
            position += WriteValue(header.Value, destination[position..]);
        }
    }

    private static int WriteValue(HeaderValue value, Span<byte> destination)
    {
        switch (value.Type)
        {
            case HeaderValueType.BoolTrue:
            case HeaderValueType.BoolFalse:
                return 0;
            case HeaderValueType.Byte:
                destination[0] = (byte)(sbyte)value.RawNumber;
                return 1;
            case HeaderValueType.Int16:
                BinaryPrimitives.WriteInt16BigEndian(destination, (short)value.RawNumber);
                return 2;
            case HeaderValueType.Int32:
                BinaryPrimitives.WriteInt32BigEndian(destination, (int)value.RawNumber);
                return 4;
            case HeaderValueType.Int64:
            case HeaderValueType.Timestamp:
                BinaryPrimitives.WriteInt64BigEndian(destination, value.RawNumber);
                return 8;
            case HeaderValueType.ByteArray:
                var bytes = (byte[])value.RawReference!;
                BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)bytes.Length);
                bytes.CopyTo(destination[2..]);
                return 2 + bytes.Length;
            case HeaderValueType.String:
                var written = Encoding.UTF8.GetBytes((string)value.RawReference!, destination[2..]);
                BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)written);
                return 2 + written;
            case HeaderValueType.Uuid:
                ((Guid)value.RawReference!).TryWriteBytes(destination, bigEndian: true, out _);
                return 16;
            default:
                throw new ArgumentException($"Unknown header value type {value.Type}.", nameof(value));
        }
    }

    private static EventStreamHeader[] ReadHeaders(ReadOnlySpan<byte> block, EventStreamOptions options)
    {
        var headers = new List<EventStreamHeader>();
        var position = 0;
        while (position < block.Length)
        {
            if (headers.Count >= options.MaxHeaderCount)
            {
                throw new EventStreamFrameTooLargeException("Header count", headers.Count + 1, options.MaxHeaderCount);
            }

            int nameLength = block[position++];
            if (nameLength == 0)
            {
                throw new EventStreamMalformedFrameException($"Header at offset {position - 1} has an empty name.");
            }

            var name = DecodeUtf8(Need(block, position, nameLength + 1, "header name and type"), nameLength, "header name");
            position += nameLength;
            var type = block[position++];
            var value = ReadValue(block, ref position, name, type);
            headers.Add(new EventStreamHeader(name, value));
        }

        return [.. headers];
    }

    private static HeaderValue ReadValue(ReadOnlySpan<byte> block, ref int position, string name, byte type)
    {
        switch ((HeaderValueType)type)
        {
            case HeaderValueType.BoolTrue:
                return HeaderValue.FromBool(true);
            case HeaderValueType.BoolFalse:
                return HeaderValue.FromBool(false);
            case HeaderValueType.Byte:
                return HeaderValue.FromByte((sbyte)Need(block, position++, 1, name)[0]);
            case HeaderValueType.Int16:
                var int16 = BinaryPrimitives.ReadInt16BigEndian(Need(block, position, 2, name));
                position += 2;
                return HeaderValue.FromInt16(int16);
            case HeaderValueType.Int32:
                var int32 = BinaryPrimitives.ReadInt32BigEndian(Need(block, position, 4, name));
                position += 4;
                return HeaderValue.FromInt32(int32);
            case HeaderValueType.Int64:
                var int64 = BinaryPrimitives.ReadInt64BigEndian(Need(block, position, 8, name));
                position += 8;
                return HeaderValue.FromInt64(int64);
            case HeaderValueType.Timestamp:
                var millis = BinaryPrimitives.ReadInt64BigEndian(Need(block, position, 8, name));
                position += 8;
                return HeaderValue.FromTimestampMilliseconds(millis);
            case HeaderValueType.ByteArray:
                var bytes = ReadVariable(block, ref position, name);
                return HeaderValue.FromOwnedBytes(bytes.ToArray());
            case HeaderValueType.String:
                var utf8 = ReadVariable(block, ref position, name);
                return HeaderValue.FromDecodedString(DecodeUtf8(utf8, utf8.Length, name));
            case HeaderValueType.Uuid:
                var uuid = new Guid(Need(block, position, 16, name), bigEndian: true);
                position += 16;
                return HeaderValue.FromUuid(uuid);
            default:
                throw new EventStreamHeaderTypeException(name, type);
        }
    }

    private static ReadOnlySpan<byte> ReadVariable(ReadOnlySpan<byte> block, ref int position, string name)
    {
        int length = BinaryPrimitives.ReadUInt16BigEndian(Need(block, position, 2, name));
        position += 2;
        var value = Need(block, position, length, name)[..length];
        position += length;
        return value;
    }

    private static ReadOnlySpan<byte> Need(ReadOnlySpan<byte> block, int position, int count, string what)
    {
        if (position + count > block.Length)
        {
            throw new EventStreamMalformedFrameException(
                $"Headers block ends inside '{what}': needs {count} bytes at offset {position}, block is {block.Length}.");
        }

        return block.Slice(position, count);
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> bytes, int length, string what)
    {
        try
        {
            return StrictUtf8.GetString(bytes[..length]);
        }
        catch (DecoderFallbackException ex)
        {
            throw new EventStreamMalformedFrameException($"Invalid UTF-8 in {what}: {ex.Message}");
        }
    }
}
