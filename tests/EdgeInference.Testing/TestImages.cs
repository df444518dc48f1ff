using OpenCvSharp;

namespace EdgeInference.Testing;

/// <summary>Encoded test images made on the fly (no binaries committed).</summary>
public static class TestImages
{
    /// <summary>A solid image; colour given as (R, G, B).</summary>
    public static byte[] Solid(int width, int height, (byte R, byte G, byte B) color, string extension = ".png")
    {
        using var mat = new Mat(height, width, MatType.CV_8UC3, new Scalar(color.B, color.G, color.R));
        return Encode(mat, extension);
    }

    /// <summary>Mid-grey with a white square of the given side centred in it.</summary>
    public static byte[] GreyWithWhiteSquare(int width, int height, int side, string extension = ".png")
    {
        using var mat = new Mat(height, width, MatType.CV_8UC3, Scalar.All(128));
        mat.Rectangle(new Rect((width - side) / 2, (height - side) / 2, side, side), Scalar.All(255), -1);
        return Encode(mat, extension);
    }

    /// <summary>A deterministic photo-like 1280×960 JPEG, the one the benchmark uses.</summary>
    public static byte[] PhotoLikeJpeg(int width = 1280, int height = 960, int quality = 90, int seed = 42) =>
        EdgeInference.Onnx.Imaging.SyntheticImage.PhotoLikeJpeg(width, height, quality, seed);

    /// <summary>A valid PNG signature and IHDR that claim the given size, with no pixel data behind them.</summary>
    public static byte[] PngHeaderClaiming(int width, int height)
    {
        using var small = new Mat(1, 1, MatType.CV_8UC3, Scalar.All(0));
        var png = Encode(small, ".png");
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), (uint)width);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), (uint)height);
        return png;
    }

    /// <summary>A baseline TIFF whose first IFD claims the size (LONG tags, either byte order); its strip is not there.</summary>
    public static byte[] TiffHeaderClaiming(int width, int height, bool bigEndian = false)
    {
        (ushort Tag, ushort Type, uint Value)[] entries =
        [
            (256, 4, (uint)width), (257, 4, (uint)height), (258, 3, 8), (259, 3, 1), (262, 3, 1),
            (273, 4, 200), (277, 3, 1), (278, 4, (uint)height), (279, 4, (uint)width * (uint)height),
        ];
        var tiff = new byte[256];
        (bigEndian ? "MM"u8 : "II"u8).CopyTo(tiff);
        WriteUInt16(tiff.AsSpan(2), 42);
        WriteUInt32(tiff.AsSpan(4), 8);
        WriteUInt16(tiff.AsSpan(8), (ushort)entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var at = 10 + (i * 12);
            WriteUInt16(tiff.AsSpan(at), entries[i].Tag);
            WriteUInt16(tiff.AsSpan(at + 2), entries[i].Type);
            WriteUInt32(tiff.AsSpan(at + 4), 1);
            if (entries[i].Type == 3)
            {
                WriteUInt16(tiff.AsSpan(at + 8), (ushort)entries[i].Value);
            }
            else
            {
                WriteUInt32(tiff.AsSpan(at + 8), entries[i].Value);
            }
        }

        return tiff;

        void WriteUInt16(Span<byte> to, ushort value)
        {
            if (bigEndian)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(to, value);
            }
            else
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(to, value);
            }
        }

        void WriteUInt32(Span<byte> to, uint value)
        {
            if (bigEndian)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(to, value);
            }
            else
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(to, value);
            }
        }
    }

    private static byte[] Encode(Mat mat, string extension)
    {
        Cv2.ImEncode(extension, mat, out var bytes);
        return bytes;
    }
}
