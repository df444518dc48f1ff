using System.Buffers;
using Xunit;

namespace EdgeInference.EventStream.Tests;

public sealed class EventStreamCodecTests
{
    public static TheoryData<string, HeaderValue> EachHeaderType => new()
    {
        { "true", HeaderValue.FromBool(true) },
        { "false", HeaderValue.FromBool(false) },
        { "byte-min", HeaderValue.FromByte(sbyte.MinValue) },
        { "byte-max", HeaderValue.FromByte(sbyte.MaxValue) },
        { "int16-min", HeaderValue.FromInt16(short.MinValue) },
        { "int16-max", HeaderValue.FromInt16(short.MaxValue) },
        { "int32-min", HeaderValue.FromInt32(int.MinValue) },
        { "int32-max", HeaderValue.FromInt32(int.MaxValue) },
        { "int64-min", HeaderValue.FromInt64(long.MinValue) },
        { "int64-max", HeaderValue.FromInt64(long.MaxValue) },
        { "bytes-empty", HeaderValue.FromBytes([]) },
        { "bytes", HeaderValue.FromBytes([0, 0xff, 0x80, 0x7f]) },
        { "bytes-max", HeaderValue.FromBytes(Enumerable.Range(0, HeaderValue.MaxVariableLength).Select(i => (byte)i).ToArray()) },
        { "string-empty", HeaderValue.FromString(string.Empty) },
        { "string-unicode", HeaderValue.FromString("h\u00e9llo \u2713 \U0001F600") },
        { "string-max", HeaderValue.FromString(new string('z', HeaderValue.MaxVariableLength)) },
        { "timestamp", HeaderValue.FromTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(1700000000123)) },
        { "timestamp-negative", HeaderValue.FromTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(-1)) },
        { "uuid", HeaderValue.FromUuid(Guid.Parse("0123abcd-4567-89ef-0123-456789abcdef")) },
        { "uuid-empty", HeaderValue.FromUuid(Guid.Empty) },
    };

    [Theory]
    [MemberData(nameof(EachHeaderType))]
    public void EncodeDecode_EachHeaderType_RoundTrips(string name, HeaderValue value)
    {
        var message = new EventStreamMessage([new EventStreamHeader(name, value)], "payload"u8.ToArray());

        var decoded = EventStreamCodec.Decode(EventStreamCodec.Encode(message));

        var header = Assert.Single(decoded.Headers);
        Assert.Equal(name, header.Name);
        Assert.Equal(value.Type, header.Value.Type);
        Assert.Equal(value, header.Value);
        Assert.Equal("payload"u8.ToArray(), decoded.Payload.ToArray());
    }

    [Fact]
    public void Encode_NoHeadersNoPayload_IsTheSixteenByteMinimum()
    {
        var bytes = EventStreamCodec.Encode(new EventStreamMessage([]));

        Assert.Equal("000000100000000005C248EB7D98C8FF", Convert.ToHexString(bytes));
        Assert.Empty(EventStreamCodec.Decode(bytes).Headers);
    }

    [Fact]
    public void Encode_UuidHeader_WritesRfc4122ByteOrder()
    {
        var message = new EventStreamMessage([new("u", HeaderValue.FromUuid(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff")))]);

        var bytes = EventStreamCodec.Encode(message);

        Assert.Equal("00112233445566778899AABBCCDDEEFF", Convert.ToHexString(bytes, 12 + 3, 16));
    }

    [Fact]
    public void EncodeDecode_PayloadOnlyOneMegabyte_RoundTrips()
    {
        var payload = new byte[1024 * 1024];
        new Random(42).NextBytes(payload);

        var decoded = EventStreamCodec.Decode(EventStreamCodec.Encode(new EventStreamMessage([], payload)));

        Assert.True(payload.AsSpan().SequenceEqual(decoded.Payload.Span));
    }

    [Fact]
    public void EncodeDecode_HeaderNameOf255Bytes_RoundTrips()
    {
        var name = new string('n', 255);

        var decoded = EventStreamCodec.Decode(EventStreamCodec.Encode(new EventStreamMessage([new(name, 1)])));

        Assert.Equal(name, decoded.Headers[0].Name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    public void Encode_HeaderNameEmptyOrOver255Bytes_ThrowsArgument(int nameLength)
    {
        var name = new string('n', nameLength);

        Assert.Throws<ArgumentException>(() => EventStreamCodec.Encode(new EventStreamMessage([new(name, 1)])));
    }

    [Fact]
    public void Encode_OverMaxMessageSize_ThrowsTooLargeAndWritesNothing()
    {
        var options = new EventStreamOptions { MaxMessageSize = 100 };
        var writer = new ArrayBufferWriter<byte>();

        var error = Assert.Throws<EventStreamFrameTooLargeException>(
            () => EventStreamCodec.Encode(new EventStreamMessage([], new byte[85]), writer, options));

        Assert.Equal(101, error.Size);
        Assert.Equal(0, writer.WrittenCount);
        Assert.Equal(100, EventStreamCodec.Encode(new EventStreamMessage([], new byte[84]), writer, options));
    }

    [Fact]
    public void Encode_OverMaxHeadersLength_ThrowsTooLarge()
    {
        var options = new EventStreamOptions { MaxHeadersLength = 10 };

        Assert.Throws<EventStreamFrameTooLargeException>(
            () => EventStreamCodec.Encode(new EventStreamMessage([new("abcdef", "xyz")]), options));
    }

    [Fact]
    public void TryDecode_IncompleteBuffer_ReturnsFalseAndLeavesBufferAlone()
    {
        var frame = EventStreamCodec.Encode(new EventStreamMessage([new("a", 1)], new byte[10]));

        for (var length = 0; length < frame.Length; length++)
        {
            var sequence = new ReadOnlySequence<byte>(frame, 0, length);
            Assert.False(EventStreamCodec.TryDecode(ref sequence, out _));
            Assert.Equal(length, sequence.Length);
        }
    }

    [Fact]
    public void TryDecode_MultiSegmentSequence_DecodesAcrossSegments()
    {
        var frame = EventStreamCodec.Encode(new EventStreamMessage([new(":stream-id", 7), new("s", "hello")], "body"u8.ToArray()));
        var sequence = Segments.Split(frame, 1, 5, 3, 11);

        Assert.True(EventStreamCodec.TryDecode(ref sequence, out var message));

        Assert.Equal(7, message.GetHeaderOrNull(":STREAM-ID")?.AsInt32());
        Assert.Equal("hello", message.GetHeaderOrNull("s")?.AsString());
        Assert.True(sequence.IsEmpty);
    }

    [Fact]
    public void TryGetHeader_Missing_ReturnsFalse()
    {
        var message = new EventStreamMessage([new("a", 1)]);

        Assert.False(message.TryGetHeader("b", out _));
        Assert.Null(message.GetHeaderOrNull("b"));
    }
}
