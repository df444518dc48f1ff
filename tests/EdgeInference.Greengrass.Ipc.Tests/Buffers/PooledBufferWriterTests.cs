using EdgeInference.Greengrass.Ipc.Buffers;
using Xunit;

namespace EdgeInference.Greengrass.Ipc.Tests.Buffers;

public sealed class PooledBufferWriterTests
{
    [Fact]
    public void GetSpanAdvance_PastTheFirstBuffer_GrowsAndKeepsEveryByte()
    {
        using var writer = new PooledBufferWriter(16);
        var expected = new List<byte>();
        for (var chunk = 1; chunk <= 40; chunk++)
        {
            var span = writer.GetSpan(chunk * 37);
            for (var i = 0; i < chunk * 37; i++)
            {
                span[i] = (byte)(chunk + i);
                expected.Add((byte)(chunk + i));
            }

            writer.Advance(chunk * 37);
        }

        Assert.Equal(expected, writer.WrittenMemory.ToArray());
    }

    [Fact]
    public void Advance_MoreThanAvailable_Throws()
    {
        using var writer = new PooledBufferWriter(256);
        var available = writer.GetSpan().Length;

        Assert.Throws<InvalidOperationException>(() => writer.Advance(available + 1));
    }

    [Fact]
    public void Dispose_Twice_EmptyAfterwardsAndWritingThrows()
    {
        var writer = new PooledBufferWriter(256);
        writer.GetSpan(10)[0] = 1;
        writer.Advance(10);

        writer.Dispose();
        writer.Dispose();

        Assert.True(writer.WrittenMemory.IsEmpty);
        Assert.Throws<ObjectDisposedException>(() => writer.GetSpan(1));
    }
}
