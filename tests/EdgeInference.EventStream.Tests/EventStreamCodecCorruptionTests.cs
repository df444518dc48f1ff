using System.Buffers;
using System.Buffers.Binary;
using Xunit;

namespace EdgeInference.EventStream.Tests;

public sealed class EventStreamCodecCorruptionTests
{
    private static byte[] ValidFrame() =>
        EventStreamCodec.Encode(new EventStreamMessage([new(":message-type", 0), new("operation", "aws.greengrass#UpdateState")], """{"state":"RUNNING"}"""u8.ToArray()));

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(11)]
    public void Decode_BitFlippedInPrelude_ThrowsPreludeChecksum(int index)
    {
        var frame = ValidFrame();
        frame[index] ^= 0x10;

        Assert.Throws<EventStreamPreludeChecksumException>(() => EventStreamCodec.Decode(frame));
    }

    [Theory]
    [InlineData(12)]
    [InlineData(30)]
    [InlineData(-6)]
    [InlineData(-1)]
    public void Decode_BitFlippedAfterPrelude_ThrowsMessageChecksum(int index)
    {
        var frame = ValidFrame();
        frame[index < 0 ? frame.Length + index : index] ^= 0x01;

        var error = Assert.Throws<EventStreamMessageChecksumException>(() => EventStreamCodec.Decode(frame));
        Assert.NotEqual(error.Expected, error.Actual);
    }

    [Theory]
    [InlineData((byte)10)]
    [InlineData((byte)0x60)]
    [InlineData((byte)255)]
    public void Decode_UnknownHeaderType_ThrowsBadHeaderType(byte type)
    {
        var frame = Frames.Build(Frames.RawHeader("odd", type, 1, 2, 3, 4), []);

        var error = Assert.Throws<EventStreamHeaderTypeException>(() => EventStreamCodec.Decode(frame));
        Assert.Equal("odd", error.HeaderName);
        Assert.Equal(type, error.TypeByte);
    }

    public static TheoryData<string, byte[]> MalformedHeaderBlocks => new()
    {
        { "empty-name", [0, 4, 0, 0, 0, 1] },
        { "name-past-block", [10, (byte)'a', (byte)'b'] },
        { "missing-type", [1, (byte)'a'] },
        { "int32-cut", Frames.RawHeader("i", 4, 0, 0) },
        { "int64-cut", Frames.RawHeader("l", 5, 0, 0, 0, 0, 0, 0, 0) },
        { "uuid-cut", Frames.RawHeader("u", 9, new byte[15]) },
        { "string-length-past-block", Frames.RawHeader("s", 7, 0, 9, (byte)'a') },
        { "bytes-length-cut", Frames.RawHeader("b", 6, 0) },
        { "invalid-utf8-name", [2, 0xc3, 0x28, 0] },
        { "invalid-utf8-value", Frames.RawHeader("s", 7, 0, 1, 0xff) },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaderBlocks))]
    public void Decode_MalformedHeadersWithValidChecksums_ThrowsMalformed(string name, byte[] headersBlock)
    {
        Assert.NotEmpty(name);
        var frame = Frames.Build(headersBlock, "p"u8);

        Assert.Throws<EventStreamMalformedFrameException>(() => EventStreamCodec.Decode(frame));
    }

    [Fact]
    public void Decode_HeadersLengthLargerThanFrame_ThrowsMalformed()
    {
        var frame = ValidFrame();
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)frame.Length - 15);
        Frames.FixChecksums(frame);

        Assert.Throws<EventStreamMalformedFrameException>(() => EventStreamCodec.Decode(frame));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(15u)]
    public void TryDecode_TotalLengthBelowMinimum_ThrowsMalformed(uint total)
    {
        var sequence = new ReadOnlySequence<byte>(Frames.Prelude(total, 0));

        Assert.Throws<EventStreamMalformedFrameException>(() => EventStreamCodec.TryDecode(ref sequence, out _));
    }

    [Fact]
    public void TryDecode_PreludeDeclaresOverMaximum_ThrowsTooLargeFromPreludeAlone()
    {
        var sequence = new ReadOnlySequence<byte>(Frames.Prelude(uint.MaxValue, 0));

        var error = Assert.Throws<EventStreamFrameTooLargeException>(() => EventStreamCodec.TryDecode(ref sequence, out _));
        Assert.Equal(uint.MaxValue, error.Size);
        Assert.Equal(EventStreamOptions.DefaultMaxMessageSize, error.Limit);
    }

    [Fact]
    public void TryDecode_HeadersOverConfiguredMaximum_ThrowsTooLarge()
    {
        var options = new EventStreamOptions { MaxHeadersLength = 8 };
        var sequence = new ReadOnlySequence<byte>(Frames.Prelude(100, 9));

        Assert.Throws<EventStreamFrameTooLargeException>(() => EventStreamCodec.TryDecode(ref sequence, out _, options));
    }

    [Fact]
    public void Decode_MoreHeadersThanAllowed_ThrowsTooLarge()
    {
        var frame = EventStreamCodec.Encode(new EventStreamMessage([new("a", 1), new("b", 2), new("c", 3)]));

        Assert.Throws<EventStreamFrameTooLargeException>(() => EventStreamCodec.Decode(frame, new EventStreamOptions { MaxHeaderCount = 2 }));
    }

    [Fact]
    public void Decode_TruncatedOrTrailingBytes_ThrowsMalformed()
    {
        var frame = ValidFrame();

        Assert.Throws<EventStreamMalformedFrameException>(() => EventStreamCodec.Decode(frame.AsSpan(0, 5)));
        Assert.Throws<EventStreamMalformedFrameException>(() => EventStreamCodec.Decode(frame.AsSpan(0, frame.Length - 1)));
        Assert.Throws<EventStreamMalformedFrameException>(() => EventStreamCodec.Decode([.. frame, 0]));
    }
}
