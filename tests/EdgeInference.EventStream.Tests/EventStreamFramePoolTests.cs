using System.Buffers;
using Xunit;

namespace EdgeInference.EventStream.Tests;

public sealed class EventStreamFramePoolTests
{
    private static byte[] Frame(int payloadLength) => EventStreamCodec.Encode(new EventStreamMessage(
        [new EventStreamHeader(":message-type", 0), new EventStreamHeader("service-model-type", "aws.greengrass#SubscriptionResponseMessage")],
        Enumerable.Range(0, payloadLength).Select(i => (byte)(i * 7)).ToArray()));

    [Fact]
    public void TryDecode_WithFramePool_RentsTheFrameAndReleaseReturnsItOnce()
    {
        var pool = new CountingPool();
        var frame = Frame(100_000);
        var buffer = Segments.Split(frame, 4096, 300, 65536);

        Assert.True(EventStreamCodec.TryDecode(ref buffer, out var message, new EventStreamOptions { FramePool = pool }));
        Assert.Equal(1, pool.Rented);
        Assert.True(message.IsPooled);
        Assert.Equal(Frame(100_000).AsSpan(frame.Length - 4 - 100_000, 100_000).ToArray(), message.Payload.ToArray());
        Assert.Equal("aws.greengrass#SubscriptionResponseMessage", message.GetHeaderOrNull("service-model-type")?.AsString());
        Assert.True(buffer.IsEmpty);

        message.Release();
        message.Release();

        Assert.Equal(1, pool.Returned);
        Assert.False(message.IsPooled);
    }

    [Fact]
    public void TryDecode_WithFramePoolCorruptPayload_ThrowsAndReturnsTheFrame()
    {
        var pool = new CountingPool();
        var frame = Frame(1000);
        frame[^10] ^= 0xFF;
        var buffer = new ReadOnlySequence<byte>(frame);

        Assert.Throws<EventStreamMessageChecksumException>(() => EventStreamCodec.TryDecode(ref buffer, out _, new EventStreamOptions { FramePool = pool }));

        Assert.Equal(1, pool.Rented);
        Assert.Equal(1, pool.Returned);
    }

    [Fact]
    public void TryDecode_WithoutFramePool_MessageOwnsItsPayloadAndReleaseDoesNothing()
    {
        var frame = Frame(500);
        var buffer = new ReadOnlySequence<byte>(frame);

        Assert.True(EventStreamCodec.TryDecode(ref buffer, out var message));
        frame.AsSpan().Clear();
        message.Release();

        Assert.False(message.IsPooled);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (byte)(i * 7)).ToArray(), message.Payload.ToArray());
    }

    [Fact]
    public void Decode_OptionsWithFramePool_WholeFrameIsNeverPooled()
    {
        var pool = new CountingPool();

        var message = EventStreamCodec.Decode(Frame(10), new EventStreamOptions { FramePool = pool });
        message.Release();

        Assert.False(message.IsPooled);
        Assert.Equal(0, pool.Rented + pool.Returned);
    }

    private sealed class CountingPool : ArrayPool<byte>
    {
        public int Rented { get; private set; }

        public int Returned { get; private set; }

        public override byte[] Rent(int minimumLength)
        {
            Rented++;
            return new byte[minimumLength + 13]; // longer than asked, as pools hand out
        }

        public override void Return(byte[] array, bool clearArray = false) => Returned++;
    }
}
