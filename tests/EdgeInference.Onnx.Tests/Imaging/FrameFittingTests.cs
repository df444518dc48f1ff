using EdgeInference.Core.Manifest;
using EdgeInference.Onnx.Imaging;
using EdgeInference.Testing;
using OpenCvSharp;
using Xunit;

namespace EdgeInference.Onnx.Tests.Imaging;

/// <summary>Stretch, centre crop and letterbox, the same with either decoder (lossless PNG inputs).</summary>
public sealed class FrameFittingTests
{
    private static readonly Scalar Red = new(0, 0, 255);
    private static readonly Scalar Green = new(0, 255, 0);
    private static readonly Scalar Blue = new(255, 0, 0);

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_Stretch_SquashesAllThreeStripes(string decoder)
    {
        var frame = Fit(decoder, 90, 30, ResizeMode.Stretch, VerticalStripes(300, 100));

        AssertPixel(frame, 90, x: 10, y: 15, (255, 0, 0));
        AssertPixel(frame, 90, x: 45, y: 15, (0, 255, 0));
        AssertPixel(frame, 90, x: 80, y: 15, (0, 0, 255));
        AssertPixel(frame, 90, x: 5, y: 1, (255, 0, 0));
        AssertPixel(frame, 90, x: 85, y: 28, (0, 0, 255));
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_CenterCrop_KeepsOnlyTheMiddleOfTheLongSide(string decoder)
    {
        var frame = Fit(decoder, 30, 30, ResizeMode.CenterCrop, VerticalStripes(300, 100));

        // Interior columns: at the crop's very edge a resampling kernel wider than a box (libvips' linear) may take in
        // a little of the neighbouring stripe.
        for (var x = 2; x < 28; x += 3)
        {
            AssertPixel(frame, 30, x, 15, (0, 255, 0));
        }
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_CenterCropOfATallImage_KeepsTheMiddleRows(string decoder)
    {
        using var tall = Solid(100, 300, Red);
        tall.Rectangle(new Rect(0, 100, 100, 100), Green, -1);
        tall.Rectangle(new Rect(0, 200, 100, 100), Blue, -1);

        var frame = Fit(decoder, 30, 30, ResizeMode.CenterCrop, tall);

        AssertPixel(frame, 30, x: 15, y: 2, (0, 255, 0));
        AssertPixel(frame, 30, x: 15, y: 27, (0, 255, 0));
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_CenterCropUpscaling_CropsTheScaledImage(string decoder)
    {
        var frame = Fit(decoder, 60, 60, ResizeMode.CenterCrop, VerticalStripes(30, 10));

        AssertPixel(frame, 60, x: 30, y: 30, (0, 255, 0));
        AssertPixel(frame, 60, x: 8, y: 2, (0, 255, 0));
        AssertPixel(frame, 60, x: 51, y: 57, (0, 255, 0));
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_Letterbox_FitsTheLongSideAndPadsBlackAboveAndBelow(string decoder)
    {
        var frame = Fit(decoder, 30, 30, ResizeMode.Letterbox, VerticalStripes(300, 100));

        // 300×100 → 30×10, centred: rows 10–19 hold the image, rows 0–9 and 20–29 are padding.
        AssertPixel(frame, 30, x: 15, y: 2, (0, 0, 0));
        AssertPixel(frame, 30, x: 15, y: 9, (0, 0, 0));
        AssertPixel(frame, 30, x: 15, y: 20, (0, 0, 0));
        AssertPixel(frame, 30, x: 15, y: 28, (0, 0, 0));
        AssertPixel(frame, 30, x: 4, y: 15, (255, 0, 0));
        AssertPixel(frame, 30, x: 15, y: 15, (0, 255, 0));
        AssertPixel(frame, 30, x: 25, y: 15, (0, 0, 255));
        AssertPixel(frame, 30, x: 15, y: 10, (0, 255, 0));
        AssertPixel(frame, 30, x: 15, y: 19, (0, 255, 0));
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_LetterboxOfATallImage_PadsLeftAndRight(string decoder)
    {
        var frame = Fit(decoder, 30, 30, ResizeMode.Letterbox, Solid(100, 300, Green));

        AssertPixel(frame, 30, x: 9, y: 15, (0, 0, 0));
        AssertPixel(frame, 30, x: 10, y: 15, (0, 255, 0));
        AssertPixel(frame, 30, x: 19, y: 0, (0, 255, 0));
        AssertPixel(frame, 30, x: 20, y: 15, (0, 0, 0));
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_SameSizeImage_CopiesPixelsExactly(string decoder)
    {
        using var image = new Mat(4, 5, MatType.CV_8UC3);
        Cv2.Randu(image, Scalar.All(0), Scalar.All(256));
        Cv2.ImEncode(".png", image, out var png);

        var frame = DecoderCases.Create(decoder, 5, 4).DecodeToFrame(png);

        image.GetArray(out Vec3b[] bgr);
        Assert.Equal(bgr.SelectMany(p => new[] { p.Item2, p.Item1, p.Item0 }), frame);
    }

    [Theory]
    [InlineData(1280, 960, 224, 224, 4)]
    [InlineData(1280, 960, 32, 32, 8)]
    [InlineData(300, 300, 224, 224, 1)]
    [InlineData(448, 448, 224, 224, 2)]
    [InlineData(447, 448, 224, 224, 1)]
    [InlineData(1792, 900, 224, 224, 4)]
    public void JpegReduction_ImageAndFrameSize_IsTheLargestThatStaysAboveTheFrame(int width, int height, int frameWidth, int frameHeight, int expected)
    {
        Assert.Equal(expected, FrameGeometry.JpegReduction(width, height, new FrameSpec(frameWidth, frameHeight, ResizeMode.Stretch)));
    }

    [Theory]
    [InlineData(8, ImreadModes.ReducedColor8)]
    [InlineData(4, ImreadModes.ReducedColor4)]
    [InlineData(2, ImreadModes.ReducedColor2)]
    [InlineData(1, ImreadModes.Color)]
    public void ModeFor_Reduction_IsOpenCvsReducedMode(int reduction, ImreadModes expected)
    {
        var decoder = new OpenCvImageDecoder(new FrameSpec(100, 100, ResizeMode.Stretch), DecoderCases.DefaultLimit);

        Assert.Equal(expected, decoder.ModeFor(new ImageHeader(ImageHeader.Jpeg, 100 * reduction, 100 * reduction)));
        Assert.Equal(ImreadModes.Color, decoder.ModeFor(new ImageHeader("png", 800, 800)));
    }

    private static byte[] Fit(string decoder, int width, int height, ResizeMode mode, Mat image)
    {
        using (image)
        {
            Cv2.ImEncode(".png", image, out var png);
            return DecoderCases.Create(decoder, width, height, mode: mode).DecodeToFrame(png);
        }
    }

    private static Mat Solid(int width, int height, Scalar bgr) => new(height, width, MatType.CV_8UC3, bgr);

    private static Mat VerticalStripes(int width, int height)
    {
        var mat = Solid(width, height, Red);
        mat.Rectangle(new Rect(width / 3, 0, width / 3, height), Green, -1);
        mat.Rectangle(new Rect(2 * width / 3, 0, width - (2 * width / 3), height), Blue, -1);
        return mat;
    }

    /// <summary>Checks one pixel of an RGB frame, allowing a little interpolation blur.</summary>
    private static void AssertPixel(byte[] frame, int width, int x, int y, (int R, int G, int B) expected)
    {
        var actual = frame.Pixel(width, x, y);
        Assert.True(
            Math.Abs(actual.R - expected.R) <= 2 && Math.Abs(actual.G - expected.G) <= 2 && Math.Abs(actual.B - expected.B) <= 2,
            $"pixel ({x},{y}) is RGB {actual}, expected {expected}");
    }
}
