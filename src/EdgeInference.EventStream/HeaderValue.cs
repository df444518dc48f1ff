using System.Text;

namespace EdgeInference.EventStream;

/// <summary>
/// One typed event-stream header value: a discriminated union over the ten wire types.
/// Create values with the <c>From…</c> factories (or the implicit conversions) and read them with the
/// <c>As…</c> accessors, which throw <see cref="InvalidOperationException"/> when the type does not match.
/// </summary>
public readonly struct HeaderValue : IEquatable<HeaderValue>
{
    /// <summary>Largest string or byte-array value, in bytes, that AWS peers accept (<c>AWS_EVENT_STREAM_HEADER_VALUE_LEN_MAX</c>).</summary>
    public const int MaxVariableLength = short.MaxValue;

    private readonly long _number;
    private readonly object? _reference;

    private HeaderValue(HeaderValueType type, long number, object? reference)
    {
        Type = type;
        _number = number;
        _reference = reference;
    }

    /// <summary>The wire type of this value.</summary>
    public HeaderValueType Type { get; }

    /// <summary>Creates a boolean value (wire type 0 or 1).</summary>
    public static HeaderValue FromBool(bool value) =>
        new(value ? HeaderValueType.BoolTrue : HeaderValueType.BoolFalse, 0, null);

    /// <summary>Creates a signed byte value (wire type 2).</summary>
    public static HeaderValue FromByte(sbyte value) => new(HeaderValueType.Byte, value, null);

    /// <summary>Creates a 16-bit integer value (wire type 3).</summary>
    public static HeaderValue FromInt16(short value) => new(HeaderValueType.Int16, value, null);

    /// <summary>Creates a 32-bit integer value (wire type 4).</summary>
    public static HeaderValue FromInt32(int value) => new(HeaderValueType.Int32, value, null);

    /// <summary>Creates a 64-bit integer value (wire type 5).</summary>
    public static HeaderValue FromInt64(long value) => new(HeaderValueType.Int64, value, null);

    /// <summary>Creates a byte-array value (wire type 6); the bytes are copied.</summary>
    public static HeaderValue FromBytes(ReadOnlySpan<byte> value)
    {
        CheckVariableLength(value.Length);
        return new(HeaderValueType.ByteArray, 0, value.ToArray());
    }

    /// <summary>Creates a UTF-8 string value (wire type 7).</summary>
    public static HeaderValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckVariableLength(Encoding.UTF8.GetByteCount(value));
        return new(HeaderValueType.String, 0, value);
    }

    /// <summary>Creates a timestamp value (wire type 8), kept to millisecond precision.</summary>
    public static HeaderValue FromTimestamp(DateTimeOffset value) =>
        new(HeaderValueType.Timestamp, value.ToUnixTimeMilliseconds(), null);

    /// <summary>Creates a UUID value (wire type 9), written in RFC 4122 (big-endian) byte order.</summary>
    public static HeaderValue FromUuid(Guid value) => new(HeaderValueType.Uuid, 0, value);

    /// <summary>Converts a string to a string header value.</summary>
    public static implicit operator HeaderValue(string value) => FromString(value);

    /// <summary>Converts an int to an int32 header value.</summary>
    public static implicit operator HeaderValue(int value) => FromInt32(value);

    /// <summary>Converts a bool to a boolean header value.</summary>
    public static implicit operator HeaderValue(bool value) => FromBool(value);

    /// <summary>Returns the boolean value.</summary>
    public bool AsBool() => Type switch
    {
        HeaderValueType.BoolTrue => true,
        HeaderValueType.BoolFalse => false,
        _ => throw Mismatch("bool"),
    };

    /// <summary>Returns the signed byte value.</summary>
    public sbyte AsByte() => Type == HeaderValueType.Byte ? (sbyte)_number : throw Mismatch("byte");

    /// <summary>Returns the 16-bit integer value.</summary>
    public short AsInt16() => Type == HeaderValueType.Int16 ? (short)_number : throw Mismatch("int16");

    /// <summary>Returns the 32-bit integer value.</summary>
    public int AsInt32() => Type == HeaderValueType.Int32 ? (int)_number : throw Mismatch("int32");

    /// <summary>Returns the 64-bit integer value.</summary>
    public long AsInt64() => Type == HeaderValueType.Int64 ? _number : throw Mismatch("int64");

    /// <summary>Returns the byte-array value (do not mutate it).</summary>
    public ReadOnlyMemory<byte> AsBytes() =>
        Type == HeaderValueType.ByteArray ? (byte[])_reference! : throw Mismatch("byte array");

    /// <summary>Returns the string value.</summary>
    public string AsString() => Type == HeaderValueType.String ? (string)_reference! : throw Mismatch("string");

    /// <summary>Returns the timestamp value.</summary>
    public DateTimeOffset AsTimestamp() =>
        Type == HeaderValueType.Timestamp ? DateTimeOffset.FromUnixTimeMilliseconds(_number) : throw Mismatch("timestamp");

    /// <summary>Returns the timestamp value as raw milliseconds since the Unix epoch.</summary>
    public long AsTimestampMilliseconds() => Type == HeaderValueType.Timestamp ? _number : throw Mismatch("timestamp");

    /// <summary>Returns the UUID value.</summary>
    public Guid AsUuid() => Type == HeaderValueType.Uuid ? (Guid)_reference! : throw Mismatch("uuid");

    /// <summary>Returns the value when it is an int32; otherwise <see langword="null"/>.</summary>
    public int? TryGetInt32() => Type == HeaderValueType.Int32 ? (int)_number : null;

    /// <summary>Returns the value when it is a string; otherwise <see langword="null"/>.</summary>
    public string? TryGetString() => Type == HeaderValueType.String ? (string)_reference! : null;

    internal static HeaderValue FromTimestampMilliseconds(long milliseconds) =>
        new(HeaderValueType.Timestamp, milliseconds, null);

    internal static HeaderValue FromOwnedBytes(byte[] value) => new(HeaderValueType.ByteArray, 0, value);

    internal static HeaderValue FromDecodedString(string value) => new(HeaderValueType.String, 0, value);

    internal long RawNumber => _number;

    internal object? RawReference => _reference;

    /// <inheritdoc />
    public bool Equals(HeaderValue other)
    {
        if (Type != other.Type)
        {
            return false;
        }

        return Type switch
        {
            HeaderValueType.ByteArray => ((byte[])_reference!).AsSpan().SequenceEqual((byte[])other._reference!),
            HeaderValueType.String => string.Equals((string)_reference!, (string)other._reference!, StringComparison.Ordinal),
            HeaderValueType.Uuid => ((Guid)_reference!).Equals((Guid)other._reference!),
            _ => _number == other._number,
        };
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is HeaderValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Type switch
    {
        HeaderValueType.ByteArray => HashCode.Combine(Type, ((byte[])_reference!).Length),
        HeaderValueType.String or HeaderValueType.Uuid => HashCode.Combine(Type, _reference),
        _ => HashCode.Combine(Type, _number),
    };

    /// <summary>Value equality.</summary>
    public static bool operator ==(HeaderValue left, HeaderValue right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(HeaderValue left, HeaderValue right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Type switch
    {
        HeaderValueType.BoolTrue => "true",
        HeaderValueType.BoolFalse => "false",
        HeaderValueType.ByteArray => "0x" + Convert.ToHexString((byte[])_reference!),
        HeaderValueType.String => (string)_reference!,
        HeaderValueType.Timestamp => AsTimestamp().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        HeaderValueType.Uuid => ((Guid)_reference!).ToString(),
        _ => _number.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static void CheckVariableLength(int length)
    {
        if (length > MaxVariableLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(length), length, $"Header string and byte-array values are limited to {MaxVariableLength} bytes.");
        }
    }

    private InvalidOperationException Mismatch(string wanted) =>
        new($"Header value is of type {Type}, not {wanted}.");
}
