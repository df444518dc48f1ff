using System.Buffers.Binary;
using System.IO.Hashing;

namespace EdgeInference.EventStream.Tests;

/// <summary>Builds raw frames byte by byte, independent of the codec under test.</summary>
internal static class Frames
{
    /// <summary>A frame with valid CRCs around arbitrary (possibly invalid) header bytes.</summary>
    public static byte[] Build(ReadOnlySpan<byte> headersBlock, ReadOnlySpan<byte> payload)
    {
        var total = 16 + headersBlock.Length + payload.Length;
        var frame = new byte[total];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)headersBlock.Length);
        headersBlock.CopyTo(frame.AsSpan(12));
        payload.CopyTo(frame.AsSpan(12 + headersBlock.Length));
        FixChecksums(frame);
        return frame;
    }

    /// <summary>A bare prelude declaring the given lengths, with a valid prelude CRC.</summary>
    public static byte[] Prelude(uint totalLength, uint headersLength)
    {
        var prelude = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(prelude, totalLength);
        BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(4), headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(8), Crc32.HashToUInt32(prelude.AsSpan(0, 8)));
        return prelude;
    }

    /// <summary>Recomputes both CRCs in place from the bytes as they are (lengths are left alone).</summary>
    public static void FixChecksums(byte[] frame)
    {
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), Crc32.HashToUInt32(frame.AsSpan(0, 8)));
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(frame.Length - 4), Crc32.HashToUInt32(frame.AsSpan(0, frame.Length - 4)));
    }

    /// <summary>One header in wire form: name length, name, type byte, value bytes.</summary>
    public static byte[] RawHeader(string name, byte type, params byte[] value) =>
        [(byte)System.Text.Encoding.UTF8.GetByteCount(name), .. System.Text.Encoding.UTF8.GetBytes(name), type, .. value];
}
