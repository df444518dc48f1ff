using EdgeInference.Onnx.Processing;
using OpenCvSharp;
using Xunit;

namespace EdgeInference.Onnx.Tests.Processing;

public sealed class PngWriterTests
{
    [Fact]
    public void EncodeRgb_AnyPixels_DecodeBackExactlyWithOpenCvAndLibvips()
    {
        var rgb = new byte[5 * 3 * 3];
        new Random(3).NextBytes(rgb);

        var png = PngWriter.EncodeRgb(rgb, 5, 3);

        using var mat = Cv2.ImDecode(png, ImreadModes.Color);
        using var rgbMat = new Mat();
        Cv2.CvtColor(mat, rgbMat, ColorConversionCodes.BGR2RGB);
        rgbMat.GetArray(out Vec3b[] pixels);
        Assert.Equal(rgb, pixels.SelectMany(p => new[] { p.Item0, p.Item1, p.Item2 }));
        using var vips = NetVips.Image.NewFromBuffer(png);
        Assert.Equal(rgb, vips.WriteToMemory<byte>());
    }

    [Fact]
    public void EncodeRgb_WrongBufferLength_ThrowsNamingTheSizes()
    {
        var error = Assert.Throws<ArgumentException>(() => PngWriter.EncodeRgb(new byte[10], 2, 2));

        Assert.Contains("12", error.Message, StringComparison.Ordinal);
        Assert.Contains("10", error.Message, StringComparison.Ordinal);
    }
}
