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

    /// <summary>A deterministic photo-like 1280×960 JPEG (gradients, shapes and mild noise), as the benchmark uses.</summary>
    public static byte[] PhotoLikeJpeg(int width = 1280, int height = 960, int quality = 90, int seed = 42)
    {
        using var mat = new Mat(height, width, MatType.CV_8UC3);
        var indexer = mat.GetUnsafeGenericIndexer<Vec3b>();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                indexer[y, x] = new Vec3b((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)((x + y) * 127 / (width + height) + 64));
            }
        }

        var random = new Random(seed);
        for (var i = 0; i < 40; i++)
        {
            var color = new Scalar(random.Next(256), random.Next(256), random.Next(256));
            mat.Circle(new Point(random.Next(width), random.Next(height)), random.Next(10, 120), color, -1, LineTypes.AntiAlias);
        }

        var noiseBytes = new byte[width * height * 3];
        random.NextBytes(noiseBytes);
        for (var i = 0; i < noiseBytes.Length; i++)
        {
            noiseBytes[i] &= 15;
        }

        using var noise = Mat.FromPixelData(height, width, MatType.CV_8UC3, noiseBytes);
        Cv2.Add(mat, noise, mat);
        Cv2.ImEncode(".jpg", mat, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));
        return jpeg;
    }

    /// <summary>A valid PNG signature and IHDR that claim the given size, with no pixel data behind them.</summary>
    public static byte[] PngHeaderClaiming(int width, int height)
    {
        using var small = new Mat(1, 1, MatType.CV_8UC3, Scalar.All(0));
        var png = Encode(small, ".png");
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), (uint)width);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), (uint)height);
        return png;
    }

    private static byte[] Encode(Mat mat, string extension)
    {
        Cv2.ImEncode(extension, mat, out var bytes);
        return bytes;
    }
}
