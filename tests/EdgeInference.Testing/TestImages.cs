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

    private static byte[] Encode(Mat mat, string extension)
    {
        Cv2.ImEncode(extension, mat, out var bytes);
        return bytes;
    }
}
