using OpenCvSharp;

namespace EdgeInference.Onnx.Imaging;

/// <summary>Deterministic images for benchmarks and tests (no binaries shipped; made with OpenCV, so linux-x64 only).</summary>
public static class SyntheticImage
{
    /// <summary>A photo-like JPEG: gradients, anti-aliased discs and mild noise, 1280×960 q90 by default.</summary>
    public static byte[] PhotoLikeJpeg(int width = 1280, int height = 960, int quality = 90, int seed = 42)
    {
        using var mat = new Mat(height, width, MatType.CV_8UC3);
        var indexer = mat.GetUnsafeGenericIndexer<Vec3b>();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                indexer[y, x] = new Vec3b((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)(((x + y) * 127 / (width + height)) + 64));
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

    /// <summary>A noisy texture JPEG (uniform noise, lightly blurred): the worst case for entropy decoding, 1280×960 q90 by default.</summary>
    public static byte[] NoisyJpeg(int width = 1280, int height = 960, int quality = 90, int seed = 7)
    {
        var pixels = new byte[width * height * 3];
        new Random(seed).NextBytes(pixels);
        using var noise = Mat.FromPixelData(height, width, MatType.CV_8UC3, pixels);
        using var blurred = new Mat();
        Cv2.GaussianBlur(noise, blurred, new Size(3, 3), 0.8);
        Cv2.ImEncode(".jpg", blurred, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));
        return jpeg;
    }
}
