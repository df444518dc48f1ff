using System.Buffers.Binary;
using System.Text;

namespace EdgeInference.Worker.Heads.Mqtt;

/// <summary>
/// A client connection of the embedded broker, watched for MQTT packets larger than the broker accepts. MQTTnet's server
/// allocates a packet's whole body as soon as it has read the fixed header (up to 256 MB a packet, with no limit of its
/// own), so this stream follows the MQTT framing of the bytes it hands to MQTTnet and ends the connection at the fixed
/// header of an oversized packet — before any of its body is read. An MQTT 5 client is told why first: a DISCONNECT with
/// reason code 0x95 (Packet too large) and a reason string, as MQTT 5 §3.14 provides.
/// </summary>
internal sealed class PacketSizeGuardStream : Stream
{
    /// <summary>MQTT 5 DISCONNECT reason code "Packet too large".</summary>
    public const byte PacketTooLargeReasonCode = 0x95;

    private const byte MqttV5ProtocolLevel = 5;
    private const int ConnectPrefixLength = 10;

    private readonly Stream _inner;
    private readonly long _maxPacketBytes;
    private readonly Action<long> _onRefused;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly byte[] _connectPrefix = new byte[ConnectPrefixLength];

    private FrameState _state = FrameState.FixedHeader;
    private byte _packetType;
    private long _remainingLength;
    private int _lengthBytes;
    private long _bodyLeft;
    private int _connectPrefixRead;
    private bool _seenConnect;
    private byte _protocolLevel;

    /// <param name="maxPacketBytes">The largest whole packet (fixed header included) the broker accepts.</param>
    /// <param name="onRefused">Told the size a refused packet declared (for the log).</param>
    public PacketSizeGuardStream(Stream inner, long maxPacketBytes, Action<long> onRefused)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPacketBytes, 2);
        _inner = inner;
        _maxPacketBytes = maxPacketBytes;
        _onRefused = onRefused;
    }

    private enum FrameState
    {
        FixedHeader,
        RemainingLength,
        Body,
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (Inspect(buffer.Span[..read]) is { } declared)
        {
            await RefuseAsync(declared, cancellationToken).ConfigureAwait(false);
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override void Flush() => _inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _writeGate.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        _writeGate.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The MQTT 5 DISCONNECT this stream sends before closing a connection over the limit.</summary>
    public static byte[] PacketTooLargeDisconnect(string reason)
    {
        var text = Encoding.UTF8.GetBytes(reason);
        if (text.Length > 1024)
        {
            text = text[..1024];
        }

        // Properties: Reason String (0x1F) as a UTF-8 string with a two-byte length.
        var properties = new byte[1 + 2 + text.Length];
        properties[0] = 0x1F;
        BinaryPrimitives.WriteUInt16BigEndian(properties.AsSpan(1), (ushort)text.Length);
        text.CopyTo(properties, 3);

        var variableHeader = new List<byte> { PacketTooLargeReasonCode };
        variableHeader.AddRange(VariableByteInteger(properties.Length));
        variableHeader.AddRange(properties);

        var packet = new List<byte> { 0xE0 };
        packet.AddRange(VariableByteInteger(variableHeader.Count));
        packet.AddRange(variableHeader);
        return [.. packet];
    }

    /// <summary>Follows the framing through <paramref name="bytes"/>; the size a packet declares when it is over the limit.</summary>
    private long? Inspect(ReadOnlySpan<byte> bytes)
    {
        var index = 0;
        while (index < bytes.Length)
        {
            switch (_state)
            {
                case FrameState.FixedHeader:
                    _packetType = (byte)(bytes[index++] >> 4);
                    _remainingLength = 0;
                    _lengthBytes = 0;
                    _state = FrameState.RemainingLength;
                    break;

                case FrameState.RemainingLength:
                    // MQTTnet allocates only once the whole length is read, so the verdict can wait for its last byte.
                    var digit = bytes[index++];
                    _remainingLength |= (long)(digit & 0x7F) << (7 * _lengthBytes);
                    _lengthBytes++;
                    var packetBytes = 1 + _lengthBytes + _remainingLength;
                    if ((digit & 0x80) != 0)
                    {
                        if (_lengthBytes == 4)
                        {
                            // Malformed (a fifth length byte follows): refuse it as MQTTnet would.
                            return Math.Max(packetBytes, _maxPacketBytes + 1);
                        }

                        break;
                    }

                    if (packetBytes > _maxPacketBytes)
                    {
                        return packetBytes;
                    }

                    _bodyLeft = _remainingLength;
                    _connectPrefixRead = 0;
                    _state = _bodyLeft == 0 ? FrameState.FixedHeader : FrameState.Body;
                    break;

                case FrameState.Body:
                    var take = (int)Math.Min(_bodyLeft, bytes.Length - index);
                    if (_packetType == 1 && !_seenConnect)
                    {
                        CaptureConnect(bytes.Slice(index, take));
                    }

                    index += take;
                    _bodyLeft -= take;
                    if (_bodyLeft == 0)
                    {
                        _seenConnect |= _packetType == 1;
                        _state = FrameState.FixedHeader;
                    }

                    break;
            }
        }

        return null;
    }

    /// <summary>Reads the protocol level from CONNECT's variable header (protocol name, then the level byte).</summary>
    private void CaptureConnect(ReadOnlySpan<byte> body)
    {
        var room = Math.Min(body.Length, ConnectPrefixLength - _connectPrefixRead);
        body[..room].CopyTo(_connectPrefix.AsSpan(_connectPrefixRead));
        _connectPrefixRead += room;
        if (_connectPrefixRead >= 2)
        {
            var nameLength = BinaryPrimitives.ReadUInt16BigEndian(_connectPrefix);
            if (2 + nameLength < _connectPrefixRead)
            {
                _protocolLevel = _connectPrefix[2 + nameLength];
            }
        }
    }

    private async Task RefuseAsync(long declared, CancellationToken cancellationToken)
    {
        _onRefused(declared);
        if (_seenConnect && _protocolLevel == MqttV5ProtocolLevel)
        {
            try
            {
                var reason = $"The packet is {declared:N0} bytes; this broker accepts at most {_maxPacketBytes:N0} (Limits:MaxPayloadBytes plus headers).";
                await WriteAsync(PacketTooLargeDisconnect(reason), cancellationToken).ConfigureAwait(false);
                await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The client is gone already; closing is all that is left.
            }
        }

        throw new PacketTooLargeException(declared, _maxPacketBytes);
    }

    private static IEnumerable<byte> VariableByteInteger(int value)
    {
        do
        {
            var digit = (byte)(value % 128);
            value /= 128;
            yield return value > 0 ? (byte)(digit | 0x80) : digit;
        }
        while (value > 0);
    }
}

/// <summary>A client sent a packet larger than the embedded broker accepts; its connection is closed.</summary>
public sealed class PacketTooLargeException : IOException
{
    public PacketTooLargeException(long declaredBytes, long maxBytes)
        : base($"An MQTT packet of {declaredBytes:N0} bytes is over the embedded broker's limit of {maxBytes:N0}.")
    {
        DeclaredBytes = declaredBytes;
        MaxBytes = maxBytes;
    }

    public long DeclaredBytes { get; }

    public long MaxBytes { get; }
}
