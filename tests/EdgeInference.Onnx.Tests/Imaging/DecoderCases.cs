using EdgeInference.Core.Manifest;
using EdgeInference.Onnx.Imaging;
using Xunit;

namespace EdgeInference.Onnx.Tests.Imaging;

/// <summary>Both decoders, for tests that every decoder must pass alike.</summary>
internal static class DecoderCases
{
    public const long DefaultLimit = 40_000_000;

    public static TheoryData<string> Names => new() { OpenCvImageDecoder.DecoderName, VipsImageDecoder.DecoderName };

    public static ImageDecoder Create(string name, int width, int height, long maxPixels = DefaultLimit, ResizeMode mode = ResizeMode.Stretch) =>
        Create(name, new FrameSpec(width, height, mode), maxPixels);

    public static ImageDecoder Create(string name, FrameSpec frame, long maxPixels = DefaultLimit) => name switch
    {
        OpenCvImageDecoder.DecoderName => new OpenCvImageDecoder(frame, maxPixels),
        VipsImageDecoder.DecoderName => new VipsImageDecoder(frame, maxPixels),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such decoder"),
    };

    /// <summary>Decodes into a fresh frame buffer.</summary>
    public static byte[] DecodeToFrame(this ImageDecoder decoder, ReadOnlySpan<byte> data)
    {
        var rgb = new byte[decoder.Frame.ByteLength];
        decoder.Decode(data, rgb);
        return rgb;
    }

    /// <summary>The RGB of one frame pixel.</summary>
    public static (int R, int G, int B) Pixel(this byte[] rgb, int frameWidth, int x, int y)
    {
        var i = ((y * frameWidth) + x) * 3;
        return (rgb[i], rgb[i + 1], rgb[i + 2]);
    }
}
