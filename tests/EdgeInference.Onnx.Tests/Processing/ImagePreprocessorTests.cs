using EdgeInference.Core.Manifest;
using EdgeInference.Onnx.Processing;
using OpenCvSharp;
using Xunit;

namespace EdgeInference.Onnx.Tests.Processing;

public sealed class ImagePreprocessorTests
{
    // Colours as BGR Scalars, the way OpenCV holds them.
    private static readonly Scalar Red = new(0, 0, 255);
    private static readonly Scalar Green = new(0, 255, 0);
    private static readonly Scalar Blue = new(255, 0, 0);

    [Fact]
    public void Fill_RgbOrder_PutsRedInTheFirstPlane()
    {
        var tensor = Run(Spec(2, 2), Solid(2, 2, new Scalar(10, 20, 30)));

        Assert.Equal([30f, 30f, 30f, 30f, 20f, 20f, 20f, 20f, 10f, 10f, 10f, 10f], tensor);
    }

    [Fact]
    public void Fill_BgrOrder_PutsBlueInTheFirstPlane()
    {
        var tensor = Run(Spec(2, 2) with { ColorOrder = ColorOrder.BGR }, Solid(2, 2, new Scalar(10, 20, 30)));

        Assert.Equal([10f, 10f, 10f, 10f, 20f, 20f, 20f, 20f, 30f, 30f, 30f, 30f], tensor);
    }

    [Fact]
    public void Fill_ScaleMeanStd_AppliesPixelTimesScaleMinusMeanOverStdPerChannel()
    {
        var spec = Spec(1, 1) with { Scale = 0.5f, Mean = [1f, 2f, 3f], Std = [2f, 4f, 8f] };

        var tensor = Run(spec, Solid(1, 1, new Scalar(10, 20, 30)));

        // R: (30·0.5 − 1) / 2, G: (20·0.5 − 2) / 4, B: (10·0.5 − 3) / 8
        Assert.Equal([7f, 2f, 0.25f], tensor);
    }

    [Fact]
    public void Fill_BgrWithMeanAndStd_TakesMeanAndStdInTheModelsChannelOrder()
    {
        var spec = Spec(1, 1) with { ColorOrder = ColorOrder.BGR, Scale = 1f, Mean = [103.06f, 115.9f, 123.15f], Std = [1f, 1f, 2f] };

        var tensor = Run(spec, Solid(1, 1, new Scalar(110, 120, 130)));

        Assert.Equal(110f - 103.06f, tensor[0], 4);
        Assert.Equal(120f - 115.9f, tensor[1], 4);
        Assert.Equal((130f - 123.15f) / 2f, tensor[2], 4);
    }

    [Fact]
    public void Fill_DefaultScale_MapsBytesToZeroOne()
    {
        var spec = new ModelInputSpec { Name = "x", Width = 1, Height = 1 };

        var white = Run(spec, Solid(1, 1, Scalar.All(255)));
        var black = Run(spec, Solid(1, 1, Scalar.All(0)));

        Assert.Equal([1f, 1f, 1f], white);
        Assert.Equal([0f, 0f, 0f], black);
    }

    [Fact]
    public void Fill_Nchw_IsPlanar()
    {
        using var image = Solid(2, 1, Red);
        image.Set(0, 1, new Vec3b(255, 0, 0)); // right pixel blue

        var tensor = Run(Spec(2, 1), image);

        Assert.Equal([255f, 0f, 0f, 0f, 0f, 255f], tensor);
    }

    [Fact]
    public void Fill_Nhwc_IsInterleaved()
    {
        using var image = Solid(2, 1, Red);
        image.Set(0, 1, new Vec3b(255, 0, 0));

        var tensor = Run(Spec(2, 1) with { Layout = TensorLayout.NHWC }, image);

        Assert.Equal([255f, 0f, 0f, 0f, 0f, 255f], tensor);
    }

    [Fact]
    public void Fill_NhwcNonSquare_PlacesRowsThenColumnsThenChannels()
    {
        using var image = Solid(3, 2, Scalar.All(0));
        image.Set(1, 2, new Vec3b(3, 2, 1)); // row 1, column 2: R=1 G=2 B=3

        var nhwc = Run(Spec(3, 2) with { Layout = TensorLayout.NHWC }, image);
        var nchw = Run(Spec(3, 2), image);

        var nhwcIndex = ((1 * 3) + 2) * 3;
        Assert.Equal([1f, 2f, 3f], nhwc[nhwcIndex..(nhwcIndex + 3)]);
        Assert.Equal(6f, nhwc.Sum());
        var plane = 3 * 2;
        var pixel = (1 * 3) + 2;
        Assert.Equal([1f, 2f, 3f], [nchw[pixel], nchw[plane + pixel], nchw[(2 * plane) + pixel]]);
    }

    [Fact]
    public void Fill_Stretch_SquashesAllThreeStripes()
    {
        using var stripes = VerticalStripes(300, 100); // red | green | blue, 100 px each

        var tensor = Run(Spec(90, 30), stripes);

        AssertPixel(tensor, 90, 30, x: 10, y: 15, (255, 0, 0));
        AssertPixel(tensor, 90, 30, x: 45, y: 15, (0, 255, 0));
        AssertPixel(tensor, 90, 30, x: 80, y: 15, (0, 0, 255));
        AssertPixel(tensor, 90, 30, x: 5, y: 1, (255, 0, 0));
        AssertPixel(tensor, 90, 30, x: 85, y: 28, (0, 0, 255));
    }

    [Fact]
    public void Fill_CenterCrop_KeepsOnlyTheMiddleOfTheLongSide()
    {
        using var stripes = VerticalStripes(300, 100);

        var tensor = Run(Spec(30, 30) with { ResizeMode = ResizeMode.CenterCrop }, stripes);

        for (var x = 0; x < 30; x += 3)
        {
            AssertPixel(tensor, 30, 30, x, 15, (0, 255, 0));
        }
    }

    [Fact]
    public void Fill_CenterCropOfATallImage_KeepsTheMiddleRows()
    {
        using var tall = Solid(100, 300, Red);
        tall.Rectangle(new Rect(0, 100, 100, 100), Green, -1);
        tall.Rectangle(new Rect(0, 200, 100, 100), Blue, -1);

        var tensor = Run(Spec(30, 30) with { ResizeMode = ResizeMode.CenterCrop }, tall);

        AssertPixel(tensor, 30, 30, x: 15, y: 0, (0, 255, 0));
        AssertPixel(tensor, 30, 30, x: 15, y: 29, (0, 255, 0));
    }

    [Fact]
    public void Fill_CenterCropUpscaling_CropsTheScaledImage()
    {
        using var small = VerticalStripes(30, 10);

        var tensor = Run(Spec(60, 60) with { ResizeMode = ResizeMode.CenterCrop }, small);

        AssertPixel(tensor, 60, 60, x: 30, y: 30, (0, 255, 0));
        AssertPixel(tensor, 60, 60, x: 8, y: 2, (0, 255, 0));
        AssertPixel(tensor, 60, 60, x: 51, y: 57, (0, 255, 0));
    }

    [Fact]
    public void Fill_Letterbox_FitsTheLongSideAndPadsBlackAboveAndBelow()
    {
        using var stripes = VerticalStripes(300, 100);

        var tensor = Run(Spec(30, 30) with { ResizeMode = ResizeMode.Letterbox }, stripes);

        // 300×100 → 30×10, centred: rows 10–19 hold the image, rows 0–9 and 20–29 are padding.
        AssertPixel(tensor, 30, 30, x: 15, y: 2, (0, 0, 0));
        AssertPixel(tensor, 30, 30, x: 15, y: 9, (0, 0, 0));
        AssertPixel(tensor, 30, 30, x: 15, y: 20, (0, 0, 0));
        AssertPixel(tensor, 30, 30, x: 15, y: 28, (0, 0, 0));
        AssertPixel(tensor, 30, 30, x: 4, y: 15, (255, 0, 0));
        AssertPixel(tensor, 30, 30, x: 15, y: 15, (0, 255, 0));
        AssertPixel(tensor, 30, 30, x: 25, y: 15, (0, 0, 255));
        AssertPixel(tensor, 30, 30, x: 15, y: 10, (0, 255, 0));
        AssertPixel(tensor, 30, 30, x: 15, y: 19, (0, 255, 0));
    }

    [Fact]
    public void Fill_LetterboxOfATallImage_PadsLeftAndRight()
    {
        using var tall = Solid(100, 300, Green);

        var tensor = Run(Spec(30, 30) with { ResizeMode = ResizeMode.Letterbox }, tall);

        AssertPixel(tensor, 30, 30, x: 9, y: 15, (0, 0, 0));
        AssertPixel(tensor, 30, 30, x: 10, y: 15, (0, 255, 0));
        AssertPixel(tensor, 30, 30, x: 19, y: 0, (0, 255, 0));
        AssertPixel(tensor, 30, 30, x: 20, y: 15, (0, 0, 0));
    }

    [Fact]
    public void Fill_LetterboxPadding_IsNormalisedLikeABlackPixel()
    {
        var spec = Spec(30, 30) with { ResizeMode = ResizeMode.Letterbox, Scale = 1f / 255f, Mean = [0.5f, 0.5f, 0.5f], Std = [0.5f, 0.5f, 0.5f] };

        var tensor = Run(spec, Solid(300, 100, Scalar.All(255)));

        Assert.Equal(-1f, tensor[0]);
        Assert.Equal(1f, tensor[(15 * 30) + 15]);
    }

    [Fact]
    public void Fill_SameSizeImage_CopiesPixelsExactly()
    {
        using var image = new Mat(4, 5, MatType.CV_8UC3);
        Cv2.Randu(image, Scalar.All(0), Scalar.All(256));

        var tensor = Run(Spec(5, 4) with { Layout = TensorLayout.NHWC, ColorOrder = ColorOrder.BGR }, image);

        image.GetArray(out Vec3b[] pixels);
        Assert.Equal(pixels.SelectMany(p => new float[] { p.Item0, p.Item1, p.Item2 }), tensor);
    }

    [Fact]
    public void Fill_BufferTooSmall_ThrowsNamingBothSizes()
    {
        var preprocessor = new ImagePreprocessor(Spec(4, 4));
        using var image = Solid(4, 4, Red);

        var error = Assert.Throws<ArgumentException>(() => preprocessor.Fill(image, new float[47]));

        Assert.Contains("47", error.Message, StringComparison.Ordinal);
        Assert.Contains("48", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fill_LargerPooledBuffer_WritesOnlyTheTensorPrefix()
    {
        var preprocessor = new ImagePreprocessor(Spec(2, 2));
        using var image = Solid(2, 2, Red);
        var buffer = Enumerable.Repeat(-7f, 20).ToArray();

        preprocessor.Fill(image, buffer);

        Assert.All(buffer[12..], v => Assert.Equal(-7f, v));
        Assert.Equal(255f, buffer[0]);
    }

    [Theory]
    [InlineData(TensorLayout.NCHW, new long[] { 1, 3, 48, 64 })]
    [InlineData(TensorLayout.NHWC, new long[] { 1, 48, 64, 3 })]
    public void TensorShape_Layout_IsBatchOneWithHeightBeforeWidth(TensorLayout layout, long[] expected)
    {
        var preprocessor = new ImagePreprocessor(Spec(64, 48) with { Layout = layout });

        Assert.Equal(expected, preprocessor.TensorShape);
        Assert.Equal(3 * 64 * 48, preprocessor.TensorLength);
    }

    private static ModelInputSpec Spec(int width, int height) => new() { Name = "image", Width = width, Height = height, Scale = 1f };

    private static Mat Solid(int width, int height, Scalar bgr) => new(height, width, MatType.CV_8UC3, bgr);

    private static Mat VerticalStripes(int width, int height)
    {
        var mat = Solid(width, height, Red);
        mat.Rectangle(new Rect(width / 3, 0, width / 3, height), Green, -1);
        mat.Rectangle(new Rect(2 * width / 3, 0, width - (2 * width / 3), height), Blue, -1);
        return mat;
    }

    private static float[] Run(ModelInputSpec spec, Mat image)
    {
        var preprocessor = new ImagePreprocessor(spec);
        var tensor = new float[preprocessor.TensorLength];
        preprocessor.Fill(image, tensor);
        return tensor;
    }

    /// <summary>Checks one pixel of an RGB NCHW tensor (Scale 1, no mean), allowing a little interpolation blur.</summary>
    private static void AssertPixel(float[] tensor, int width, int height, int x, int y, (int R, int G, int B) expected)
    {
        var plane = width * height;
        var index = (y * width) + x;
        var actual = (tensor[index], tensor[plane + index], tensor[(2 * plane) + index]);
        Assert.True(
            Math.Abs(actual.Item1 - expected.R) <= 2 && Math.Abs(actual.Item2 - expected.G) <= 2 && Math.Abs(actual.Item3 - expected.B) <= 2,
            $"pixel ({x},{y}) is RGB {actual}, expected {expected}");
    }
}
