using System.Buffers.Binary;

namespace EdgeInference.Onnx.Imaging;

/// <summary>Size and format of an encoded image, read from its header without decoding pixels.</summary>
public readonly record struct ImageHeader(string Format, int Width, int Height)
{
    /// <summary>The <see cref="Format"/> of a JPEG.</summary>
    public const string Jpeg = "jpeg";

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public long Pixels => (long)Width * Height;

    /// <summary>The formats <see cref="TryRead"/> reads, as a refusal names them.</summary>
    public const string SupportedFormats = "JPEG, PNG, GIF, BMP, WebP, TIFF or PNM (P1–P6)";

    /// <summary>The most IFD entries or PNM header bytes read before giving up (a header is far smaller).</summary>
    private const int MaxHeaderItems = 4096;

    /// <summary>
    /// Reads JPEG, PNG, GIF, BMP, WebP, TIFF (the first page's IFD) and PNM (P1–P6) headers. Returns false for any
    /// other payload (the gate refuses it as an unsupported format); throws <see cref="FormatException"/> for a known
    /// format whose header is broken.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out ImageHeader header)
    {
        header = default;
        if (data.StartsWith(PngSignature))
        {
            Require(data, 24, "PNG");
            if (!data.Slice(12, 4).SequenceEqual("IHDR"u8))
            {
                throw new FormatException("PNG header has no IHDR chunk.");
            }

            header = new ImageHeader("png", ToInt(BinaryPrimitives.ReadUInt32BigEndian(data[16..])), ToInt(BinaryPrimitives.ReadUInt32BigEndian(data[20..])));
            return true;
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            header = ReadJpeg(data);
            return true;
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            Require(data, 10, "GIF");
            header = new ImageHeader("gif", BinaryPrimitives.ReadUInt16LittleEndian(data[6..]), BinaryPrimitives.ReadUInt16LittleEndian(data[8..]));
            return true;
        }

        if (data.StartsWith("BM"u8) && data.Length >= 26)
        {
            var width = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
            var height = BinaryPrimitives.ReadInt32LittleEndian(data[22..]);
            header = new ImageHeader("bmp", Math.Abs(width), height == int.MinValue ? int.MaxValue : Math.Abs(height));
            return true;
        }

        if (data.Length >= 16 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            header = ReadWebP(data);
            return true;
        }

        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8))
        {
            header = ReadTiff(data);
            return true;
        }

        if (data.Length >= 2 && data[0] == (byte)'P' && data[1] is >= (byte)'1' and <= (byte)'6')
        {
            header = ReadPnm(data);
            return true;
        }

        return false;
    }

    /// <summary>True when a JPEG holds its end-of-image marker after the first scan (a cut-off file does not).</summary>
    public static bool JpegHasEndOfImage(ReadOnlySpan<byte> data)
    {
        var startOfScan = FindMarker(data, 0xDA);
        return startOfScan >= 0 && data[startOfScan..].LastIndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) >= 0;
    }

    private static ImageHeader ReadJpeg(ReadOnlySpan<byte> data)
    {
        var position = 2;
        for (var markers = 0; markers < 4096 && position + 4 <= data.Length; markers++)
        {
            if (data[position] != 0xFF)
            {
                throw new FormatException($"JPEG marker expected at byte {position}.");
            }

            var marker = data[position + 1];
            if (marker == 0xFF)
            {
                position++;
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                position += 2;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            if (length < 2)
            {
                throw new FormatException($"JPEG segment at byte {position} has length {length}.");
            }

            var isStartOfFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isStartOfFrame)
            {
                Require(data, position + 9, "JPEG");
                var height = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 5)..]);
                var width = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 7)..]);
                return new ImageHeader("jpeg", width, height);
            }

            if (marker is 0xDA or 0xD9)
            {
                break;
            }

            position += 2 + length;
        }

        throw new FormatException("JPEG has no frame header (SOF) before its data: truncated or not a JPEG.");
    }

    private static int FindMarker(ReadOnlySpan<byte> data, byte wanted)
    {
        var position = 2;
        while (position + 4 <= data.Length)
        {
            if (data[position] != 0xFF)
            {
                return -1;
            }

            var marker = data[position + 1];
            if (marker == wanted)
            {
                return position;
            }

            if (marker == 0xFF)
            {
                position++;
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                position += 2;
                continue;
            }

            position += 2 + BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
        }

        return -1;
    }

    private static ImageHeader ReadWebP(ReadOnlySpan<byte> data)
    {
        var chunk = data.Slice(12, 4);
        if (chunk.SequenceEqual("VP8X"u8))
        {
            Require(data, 30, "WebP");
            var width = 1 + (data[24] | (data[25] << 8) | (data[26] << 16));
            var height = 1 + (data[27] | (data[28] << 8) | (data[29] << 16));
            return new ImageHeader("webp", width, height);
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            Require(data, 25, "WebP");
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            return new ImageHeader("webp", (int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        if (chunk.SequenceEqual("VP8 "u8))
        {
            Require(data, 30, "WebP");
            return new ImageHeader("webp", BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF);
        }

        throw new FormatException("WebP has an unknown first chunk.");
    }

    /// <summary>ImageWidth (256) and ImageLength (257) of a classic TIFF's first IFD, SHORT or LONG, either byte order.</summary>
    private static ImageHeader ReadTiff(ReadOnlySpan<byte> data)
    {
        var bigEndian = data[0] == (byte)'M';
        Require(data, 8, "TIFF");
        var ifd = ReadUInt32(data[4..], bigEndian);
        if (ifd < 8 || ifd > data.Length - 2)
        {
            throw new FormatException($"TIFF's first IFD offset {ifd} is outside the {data.Length}-byte payload.");
        }

        var entries = ReadUInt16(data[(int)ifd..], bigEndian);
        if (entries == 0 || entries > MaxHeaderItems)
        {
            throw new FormatException($"TIFF's first IFD has {entries} entries.");
        }

        Require(data, (int)ifd + 2 + (entries * 12), "TIFF");
        long? width = null, height = null;
        for (var i = 0; i < entries; i++)
        {
            var entry = data.Slice((int)ifd + 2 + (i * 12), 12);
            var tag = ReadUInt16(entry, bigEndian);
            if (tag is not (256 or 257))
            {
                continue;
            }

            long value = ReadUInt16(entry[2..], bigEndian) switch
            {
                3 => ReadUInt16(entry[8..], bigEndian),
                4 => ReadUInt32(entry[8..], bigEndian),
                var type => throw new FormatException($"TIFF tag {tag} has type {type}; SHORT or LONG is expected."),
            };
            if (tag == 256)
            {
                width = value;
            }
            else
            {
                height = value;
            }
        }

        return width is { } w && height is { } h
            ? new ImageHeader("tiff", ToInt((uint)Math.Min(w, uint.MaxValue)), ToInt((uint)Math.Min(h, uint.MaxValue)))
            : throw new FormatException("TIFF's first IFD has no ImageWidth or ImageLength.");
    }

    /// <summary>Width and height of a netpbm header: the magic, then two decimal numbers among whitespace and # comments.</summary>
    private static ImageHeader ReadPnm(ReadOnlySpan<byte> data)
    {
        Span<long> numbers = stackalloc long[2];
        var found = 0;
        var position = 2;
        var limit = Math.Min(data.Length, MaxHeaderItems);
        while (found < 2 && position < limit)
        {
            var c = data[position];
            if (c == (byte)'#')
            {
                while (position < limit && data[position] is not ((byte)'\n' or (byte)'\r'))
                {
                    position++;
                }
            }
            else if (c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f')
            {
                position++;
            }
            else if (c is >= (byte)'0' and <= (byte)'9')
            {
                long value = 0;
                while (position < limit && data[position] is >= (byte)'0' and <= (byte)'9')
                {
                    value = Math.Min((value * 10) + (data[position] - '0'), int.MaxValue);
                    position++;
                }

                numbers[found++] = value;
            }
            else
            {
                throw new FormatException($"PNM header has '{(char)c}' at byte {position} where a size is expected.");
            }
        }

        return found == 2
            ? new ImageHeader("pnm", (int)numbers[0], (int)numbers[1])
            : throw new FormatException($"PNM header is truncated ({data.Length} bytes).");
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> data, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(data) : BinaryPrimitives.ReadUInt16LittleEndian(data);

    private static uint ReadUInt32(ReadOnlySpan<byte> data, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(data) : BinaryPrimitives.ReadUInt32LittleEndian(data);

    private static void Require(ReadOnlySpan<byte> data, int length, string format)
    {
        if (data.Length < length)
        {
            throw new FormatException($"{format} header is truncated ({data.Length} bytes).");
        }
    }

    private static int ToInt(uint value) => value > int.MaxValue ? int.MaxValue : (int)value;
}
