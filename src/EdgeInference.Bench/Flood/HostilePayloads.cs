using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace EdgeInference.Bench.Flood;

/// <summary>One hostile input and the error code a worker must answer it with.</summary>
/// <param name="ExpectedCodes">Codes that count as the right answer (several when the format decides which check refuses it first).</param>
public sealed record HostilePayload(string Name, byte[] Payload, IReadOnlyList<string> ExpectedCodes);

/// <summary>The inputs issue 10 found answered badly or not at all, rebuilt deterministically (small files that claim huge images, garbage, broken JSON).</summary>
public static class HostilePayloads
{
    public static IReadOnlyList<HostilePayload> Create(int garbageBytes = 400 * 1024)
    {
        var garbage = new byte[garbageBytes];
        new Random(10).NextBytes(garbage);
        garbage[0] = 0x42; // never a valid signature by chance
        return
        [
            new("garbage bytes", garbage, ["InvalidImage"]),
            new("PNG header claiming 16000×16000", PngClaiming(16000, 16000), ["InvalidImage"]),
            new("TIFF header claiming 16000×16000", TiffClaiming(16000, 16000), ["InvalidImage"]),
            new("JPEG header claiming 65000×65000", JpegClaiming(65000, 65000), ["InvalidImage"]),
            new("JSON with invalid base64", Encoding.UTF8.GetBytes("{\"RequestId\":\"h-1\",\"Image\":\"***not base64***\"}"), ["InvalidRequest"]),
            new("JSON with a lone-surrogate RequestId", Encoding.UTF8.GetBytes("{\"RequestId\":\"\\ud800x\",\"Image\":\"AAAA\"}"), ["InvalidRequest", "InvalidImage"]),
            new("JSON RequestId of 1 MB", Encoding.UTF8.GetBytes("{\"RequestId\":\"" + new string('r', 1 << 20) + "\",\"Image\":\"AAAA\"}"), ["InvalidRequest", "InvalidImage"]),
            new("zero bytes", [], ["InvalidImage", "InvalidRequest"]),
        ];
    }

    /// <summary>A PNG signature and IHDR (8-bit RGB) claiming the size, then IEND: 57 bytes.</summary>
    public static byte[] PngClaiming(int width, int height)
    {
        using var stream = new MemoryStream();
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        Chunk(stream, "IHDR", ihdr);
        Chunk(stream, "IEND", []);
        return stream.ToArray();
    }

    /// <summary>A little-endian baseline TIFF (uncompressed 8-bit RGB, one strip) claiming the size, with 1 KB of pixel data.</summary>
    public static byte[] TiffClaiming(int width, int height)
    {
        const int entries = 9;
        const int ifdOffset = 8;
        var dataOffset = ifdOffset + 2 + (entries * 12) + 4 + 6;
        var bytes = new byte[dataOffset + 1024];
        "II"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), ifdOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(ifdOffset), entries);
        var at = ifdOffset + 2;
        var bitsOffset = ifdOffset + 2 + (entries * 12) + 4;
        void Entry(ushort tag, ushort type, uint count, uint value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), tag);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 2), type);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 4), count);
            if (type == 3 && count == 1)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 8), (ushort)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 8), value);
            }

            at += 12;
        }

        Entry(256, 4, 1, (uint)width);                       // ImageWidth
        Entry(257, 4, 1, (uint)height);                      // ImageLength
        Entry(258, 3, 3, (uint)bitsOffset);                  // BitsPerSample 8,8,8
        Entry(259, 3, 1, 1);                                 // Compression: none
        Entry(262, 3, 1, 2);                                 // Photometric: RGB
        Entry(273, 4, 1, (uint)dataOffset);                  // StripOffsets
        Entry(277, 3, 1, 3);                                 // SamplesPerPixel
        Entry(278, 4, 1, (uint)height);                      // RowsPerStrip
        Entry(279, 4, 1, (uint)width * (uint)height * 3);    // StripByteCounts (claimed)
        for (var i = 0; i < 3; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(bitsOffset + (i * 2)), 8);
        }

        return bytes;
    }

    /// <summary>SOI, a baseline SOF0 claiming the size (3 components), and EOI.</summary>
    public static byte[] JpegClaiming(int width, int height)
    {
        var sof = new byte[] { 0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03, 0x01, 0x11, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9 };
        return sof;
    }

    private static void Chunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(length, Crc32.HashToUInt32(typeAndData));
        stream.Write(length);
    }
}
