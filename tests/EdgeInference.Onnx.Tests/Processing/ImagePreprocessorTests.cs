using EdgeInference.Core.Manifest;
using EdgeInference.Onnx.Processing;
using Xunit;

namespace EdgeInference.Onnx.Tests.Processing;

/// <summary>The tensor written from a decoder's RGB frame (fitting the frame is the decoders' job: FrameFittingTests).</summary>
public sealed class ImagePreprocessorTests
{
    [Fact]
    public void Fill_RgbOrder_PutsRedInTheFirstPlane()
    {
        var tensor = Run(Spec(2, 2), Solid(2, 2, (30, 20, 10)));

        Assert.Equal([30f, 30f, 30f, 30f, 20f, 20f, 20f, 20f, 10f, 10f, 10f, 10f], tensor);
    }

    [Fact]
    public void Fill_BgrOrder_PutsBlueInTheFirstPlane()
    {
        var tensor = Run(Spec(2, 2) with { ColorOrder = ColorOrder.BGR }, Solid(2, 2, (30, 20, 10)));

        Assert.Equal([10f, 10f, 10f, 10f, 20f, 20f, 20f, 20f, 30f, 30f, 30f, 30f], tensor);
    }

    [Fact]
    public void Fill_ScaleMeanStd_AppliesPixelTimesScaleMinusMeanOverStdPerChannel()
    {
        var spec = Spec(1, 1) with { Scale = 0.5f, Mean = [1f, 2f, 3f], Std = [2f, 4f, 8f] };

        var tensor = Run(spec, Solid(1, 1, (30, 20, 10)));

        // R: (30·0.5 − 1) / 2, G: (20·0.5 − 2) / 4, B: (10·0.5 − 3) / 8
        Assert.Equal([7f, 2f, 0.25f], tensor);
    }

    [Fact]
    public void Fill_BgrWithMeanAndStd_TakesMeanAndStdInTheModelsChannelOrder()
    {
        var spec = Spec(1, 1) with { ColorOrder = ColorOrder.BGR, Scale = 1f, Mean = [103.06f, 115.9f, 123.15f], Std = [1f, 1f, 2f] };

        var tensor = Run(spec, Solid(1, 1, (130, 120, 110)));

        Assert.Equal(110f - 103.06f, tensor[0], 4);
        Assert.Equal(120f - 115.9f, tensor[1], 4);
        Assert.Equal((130f - 123.15f) / 2f, tensor[2], 4);
    }

    [Fact]
    public void Fill_DefaultScale_MapsBytesToZeroOne()
    {
        var spec = new ModelInputSpec { Name = "x", Width = 1, Height = 1 };

        Assert.Equal([1f, 1f, 1f], Run(spec, Solid(1, 1, (255, 255, 255))));
        Assert.Equal([0f, 0f, 0f], Run(spec, Solid(1, 1, (0, 0, 0))));
    }

    [Fact]
    public void Fill_Nchw_IsPlanar()
    {
        byte[] frame = [255, 0, 0, 0, 0, 255]; // red, blue

        Assert.Equal([255f, 0f, 0f, 0f, 0f, 255f], Run(Spec(2, 1), frame));
    }

    [Fact]
    public void Fill_Nhwc_IsInterleaved()
    {
        byte[] frame = [255, 0, 0, 0, 0, 255];

        Assert.Equal([255f, 0f, 0f, 0f, 0f, 255f], Run(Spec(2, 1) with { Layout = TensorLayout.NHWC }, frame));
    }

    [Fact]
    public void Fill_NhwcNonSquare_PlacesRowsThenColumnsThenChannels()
    {
        var frame = new byte[3 * 2 * 3];
        var pixel = ((1 * 3) + 2) * 3; // row 1, column 2
        (frame[pixel], frame[pixel + 1], frame[pixel + 2]) = (1, 2, 3);

        var nhwc = Run(Spec(3, 2) with { Layout = TensorLayout.NHWC }, frame);
        var nchw = Run(Spec(3, 2), frame);

        Assert.Equal([1f, 2f, 3f], nhwc[pixel..(pixel + 3)]);
        Assert.Equal(6f, nhwc.Sum());
        var plane = 3 * 2;
        var index = (1 * 3) + 2;
        Assert.Equal([1f, 2f, 3f], [nchw[index], nchw[plane + index], nchw[(2 * plane) + index]]);
    }

    [Fact]
    public void Fill_BlackPadding_IsNormalisedLikeABlackPixel()
    {
        var spec = Spec(2, 1) with { Scale = 1f / 255f, Mean = [0.5f, 0.5f, 0.5f], Std = [0.5f, 0.5f, 0.5f] };

        var tensor = Run(spec, [0, 0, 0, 255, 255, 255]);

        Assert.Equal(-1f, tensor[0]);
        Assert.Equal(1f, tensor[1]);
    }

    [Fact]
    public void Fill_BufferTooSmall_ThrowsNamingBothSizes()
    {
        var preprocessor = new ImagePreprocessor(Spec(4, 4));

        var error = Assert.Throws<ArgumentException>(() => preprocessor.Fill(Solid(4, 4, (1, 1, 1)), new float[47]));

        Assert.Contains("47", error.Message, StringComparison.Ordinal);
        Assert.Contains("48", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fill_FrameTooSmall_ThrowsNamingBothSizes()
    {
        var preprocessor = new ImagePreprocessor(Spec(4, 4));

        var error = Assert.Throws<ArgumentException>(() => preprocessor.Fill(new byte[40], new float[48]));

        Assert.Contains("40", error.Message, StringComparison.Ordinal);
        Assert.Contains("48", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fill_LargerPooledBuffers_UseOnlyTheirPrefix()
    {
        var preprocessor = new ImagePreprocessor(Spec(2, 2));
        var frame = Solid(2, 2, (255, 0, 0)).Concat(Enumerable.Repeat((byte)9, 20)).ToArray();
        var buffer = Enumerable.Repeat(-7f, 20).ToArray();

        preprocessor.Fill(frame, buffer);

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

    private static byte[] Solid(int width, int height, (byte R, byte G, byte B) rgb) =>
        Enumerable.Range(0, width * height).SelectMany(_ => new[] { rgb.R, rgb.G, rgb.B }).ToArray();

    private static float[] Run(ModelInputSpec spec, byte[] frame)
    {
        var preprocessor = new ImagePreprocessor(spec);
        var tensor = new float[preprocessor.TensorLength];
        preprocessor.Fill(frame, tensor);
        return tensor;
    }
}
