using EdgeInference.Core.Manifest;
using EdgeInference.Onnx.Imaging;
using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.Onnx.Tests.Imaging;

/// <summary>
/// The two decoders make the same frame within a stated tolerance on the same images. They resample differently (OpenCV:
/// area averaging for a strong shrink, bilinear otherwise; libvips: a linear kernel), and libjpeg-turbo and mozjpeg
/// round their reduced-scale IDCTs differently, so frames differ by a few levels: on average at most
/// <see cref="MeanLevels"/> levels of 255 for photo-like content and <see cref="NoisyMeanLevels"/> for noise (whose
/// every pixel is an edge), and lossless inputs at the frame's size are identical.
/// </summary>
public sealed class DecoderAgreementTests
{
    /// <summary>Stated tolerance: mean absolute difference, in 0–255 levels, on photo-like images.</summary>
    public const double MeanLevels = 3.0;

    /// <summary>Stated tolerance on a noisy texture (the worst case for any resampler).</summary>
    public const double NoisyMeanLevels = 4.0;

    public static TheoryData<string, int, int, ResizeMode, double> Cases => new()
    {
        { "photo-like 1280×960 JPEG → 224×224 stretch", 224, 224, ResizeMode.Stretch, MeanLevels },
        { "photo-like 1280×960 JPEG → 64×64 stretch", 64, 64, ResizeMode.Stretch, MeanLevels },
        { "photo-like 1280×960 JPEG → 32×32 stretch", 32, 32, ResizeMode.Stretch, MeanLevels },
        { "noisy 1280×960 JPEG → 64×64 stretch", 64, 64, ResizeMode.Stretch, NoisyMeanLevels },
        { "photo-like 1280×960 JPEG → 224×224 centre crop", 224, 224, ResizeMode.CenterCrop, MeanLevels },
        { "photo-like 1280×960 JPEG → 224×224 letterbox", 224, 224, ResizeMode.Letterbox, MeanLevels },
        { "photo-like 1280×960 JPEG → 500×400 stretch (no DCT reduction)", 500, 400, ResizeMode.Stretch, MeanLevels },
        { "noisy 1280×960 JPEG → 224×224 stretch", 224, 224, ResizeMode.Stretch, NoisyMeanLevels },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_SameJpeg_BothDecodersAgreeWithinTheStatedTolerance(string image, int width, int height, ResizeMode mode, double tolerance)
    {
        var jpeg = image.StartsWith("noisy", StringComparison.Ordinal) ? SyntheticImage.NoisyJpeg() : TestImages.PhotoLikeJpeg();
        var frame = new FrameSpec(width, height, mode);

        var (mean, max) = FrameDifference(new OpenCvImageDecoder(frame, DecoderCases.DefaultLimit), new VipsImageDecoder(frame, DecoderCases.DefaultLimit), jpeg);

        Assert.True(mean <= tolerance, $"{image}: mean |Δ| {mean:F3} levels (max {max}) is over the stated {tolerance}");
    }

    [Fact]
    public void Decode_LosslessImageAtTheFrameSize_BothDecodersGiveIdenticalFrames()
    {
        var png = TestImages.PhotoLikeJpeg(96, 64) is var jpeg ? ReencodeAsPng(jpeg) : [];
        var frame = new FrameSpec(96, 64, ResizeMode.Stretch);

        var (mean, max) = FrameDifference(new OpenCvImageDecoder(frame, DecoderCases.DefaultLimit), new VipsImageDecoder(frame, DecoderCases.DefaultLimit), png);

        Assert.Equal(0, max);
        Assert.Equal(0, mean);
    }

    private static (double Mean, int Max) FrameDifference(ImageDecoder first, ImageDecoder second, byte[] image)
    {
        var a = first.DecodeToFrame(image);
        var b = second.DecodeToFrame(image);
        var differences = a.Zip(b, (x, y) => Math.Abs(x - y)).ToArray();
        return (differences.Average(), differences.Max());
    }

    private static byte[] ReencodeAsPng(byte[] jpeg)
    {
        using var mat = OpenCvSharp.Cv2.ImDecode(jpeg, OpenCvSharp.ImreadModes.Color);
        OpenCvSharp.Cv2.ImEncode(".png", mat, out var png);
        return png;
    }
}
