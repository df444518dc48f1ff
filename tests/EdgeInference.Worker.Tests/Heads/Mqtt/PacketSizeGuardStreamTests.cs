using System.Text;
using EdgeInference.Worker.Heads.Mqtt;
using Xunit;

namespace EdgeInference.Worker.Tests.Heads.Mqtt;

public sealed class PacketSizeGuardStreamTests
{
    private const long Limit = 1000;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task Read_PacketsWithinTheLimit_PassUnchangedWhateverTheChunking(int chunk)
    {
        byte[] input = [.. Connect(5), .. Publish(990), .. Publish(0), .. Publish(200)];
        var (guard, _, refused) = Guard(input, chunk);

        var output = await ReadAllAsync(guard, chunk);

        Assert.Equal(input, output);
        Assert.Empty(refused);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public async Task Read_Mqtt5PacketOverTheLimit_SendsPacketTooLargeAndClosesBeforeItsBody(int chunk)
    {
        byte[] input = [.. Connect(5), .. PublishHeader(250_000_000), .. new byte[64]];
        var (guard, written, refused) = Guard(input, chunk);

        var ex = await Assert.ThrowsAsync<PacketTooLargeException>(() => ReadAllAsync(guard, chunk));

        Assert.True(ex.DeclaredBytes >= 250_000_000);
        Assert.Equal(Limit, ex.MaxBytes);
        Assert.Equal([ex.DeclaredBytes], refused);
        var disconnect = written.ToArray();
        Assert.Equal(0xE0, disconnect[0]);
        Assert.Equal(PacketSizeGuardStream.PacketTooLargeReasonCode, disconnect[2]);
        Assert.Contains("Limits:MaxPayloadBytes", Encoding.UTF8.GetString(disconnect), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_Mqtt311PacketOverTheLimit_ClosesWithoutWriting()
    {
        var (guard, written, _) = Guard([.. Connect(4), .. PublishHeader(5_000)], 4096);

        await Assert.ThrowsAsync<PacketTooLargeException>(() => ReadAllAsync(guard, 4096));

        Assert.Equal(0, written.Length);
    }

    [Fact]
    public async Task Read_OversizedConnect_IsRefusedToo()
    {
        var (guard, _, refused) = Guard([0x10, .. Length(5_000)], 4096);

        await Assert.ThrowsAsync<PacketTooLargeException>(() => ReadAllAsync(guard, 4096));

        Assert.Single(refused);
    }

    [Fact]
    public void PacketTooLargeDisconnect_IsAWellFormedMqtt5Disconnect()
    {
        var packet = PacketSizeGuardStream.PacketTooLargeDisconnect("too big");

        // E0, remaining length, reason 0x95, property length, 0x1F reason string (two-byte length + text).
        Assert.Equal<byte>([0xE0, 12, 0x95, 10, 0x1F, 0, 7, .. "too big"u8.ToArray()], packet);
    }

    private static (PacketSizeGuardStream Guard, MemoryStream Written, List<long> Refused) Guard(byte[] input, int chunk)
    {
        var refused = new List<long>();
        var duplex = new DuplexStream(new MemoryStream(input), chunk);
        return (new PacketSizeGuardStream(duplex, Limit, refused.Add), duplex.Written, refused);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, int chunk)
    {
        var output = new MemoryStream();
        var buffer = new byte[chunk];
        for (var reads = 0; reads < 100_000; reads++)
        {
            var read = await stream.ReadAsync(buffer, Token);
            if (read == 0)
            {
                return output.ToArray();
            }

            output.Write(buffer, 0, read);
        }

        throw new InvalidOperationException("The stream did not end.");
    }

    /// <summary>An MQTT CONNECT with protocol level <paramref name="level"/> (4: 3.1.1, 5: MQTT 5) and an empty client id.</summary>
    private static byte[] Connect(byte level)
    {
        byte[] body = level == 5
            ? [0, 4, .. "MQTT"u8.ToArray(), 5, 0x02, 0, 60, 0, 0, 0]
            : [0, 4, .. "MQTT"u8.ToArray(), 4, 0x02, 0, 60, 0, 0];
        return [0x10, .. Length(body.Length), .. body];
    }

    private static byte[] Publish(int bodyLength) => [.. PublishHeader(bodyLength), .. new byte[bodyLength]];

    private static byte[] PublishHeader(int bodyLength) => [0x30, .. Length(bodyLength)];

    private static byte[] Length(int value)
    {
        var bytes = new List<byte>();
        do
        {
            var digit = (byte)(value % 128);
            value /= 128;
            bytes.Add(value > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (value > 0);
        return [.. bytes];
    }

    /// <summary>Reads from a fixed input at most <c>chunk</c> bytes at a time; records what is written.</summary>
    private sealed class DuplexStream(Stream input, int chunk) : Stream
    {
        public MemoryStream Written { get; } = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            input.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, Math.Min(chunk, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            Written.WriteAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
