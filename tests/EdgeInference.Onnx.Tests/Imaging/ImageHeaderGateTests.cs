using EdgeInference.Core.Inference;
using EdgeInference.Core.Manifest;
using EdgeInference.Core.Results;
using EdgeInference.Onnx.Imaging;
using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.Onnx.Tests.Imaging;

public sealed class ImageHeaderGateTests
{
    [Fact]
    public void Decode_HeaderOverTheLimit_NeverReachesTheDecodersLibrary()
    {
        var decoder = new CountingDecoder(new FrameSpec(8, 8, ResizeMode.Stretch), maxPixels: 1_000);

        Assert.Throws<InferenceException>(() => decoder.Decode(TestImages.PngHeaderClaiming(50_000, 50_000), new byte[8 * 8 * 3]));
        Assert.Throws<InferenceException>(() => decoder.Decode(ImageDecoderTests.JpegClaiming(60_000, 60_000), new byte[8 * 8 * 3]));
        Assert.Throws<InferenceException>(() => decoder.Decode(TestImages.TiffHeaderClaiming(16_000, 16_000), new byte[8 * 8 * 3]));
        Assert.Throws<InferenceException>(() => decoder.Decode("P6\n1000 1000\n255\n"u8, new byte[8 * 8 * 3]));

        Assert.Equal(0, decoder.Calls);
    }

    [Fact]
    public void Decode_HeaderWithinTheLimit_ReachesTheDecoderWithTheHeader()
    {
        var decoder = new CountingDecoder(new FrameSpec(8, 8, ResizeMode.Stretch), maxPixels: 1_000);

        decoder.Decode(TestImages.Solid(20, 10, (1, 2, 3)), new byte[8 * 8 * 3]);

        Assert.Equal(1, decoder.Calls);
        Assert.Equal(new ImageHeader("png", 20, 10), decoder.LastHeader);
    }

    [Fact]
    public void Decode_FormatTheGateDoesNotRead_NeverReachesTheDecodersLibrary()
    {
        var decoder = new CountingDecoder(new FrameSpec(8, 8, ResizeMode.Stretch), maxPixels: 1_000);

        var error = Assert.Throws<InferenceException>(() => decoder.Decode("P7\nWIDTH 2\nHEIGHT 2\nENDHDR\n"u8, new byte[8 * 8 * 3]));

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Contains(ImageHeader.SupportedFormats, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, decoder.Calls);
    }

    [Fact]
    public void Check_PnmWithinTheLimit_ReturnsItsHeader()
    {
        Assert.Equal(new ImageHeader("pnm", 2, 2), ImageHeaderGate.Check("P6\n2 2\n255\n"u8, 10));
    }

    private sealed class CountingDecoder(FrameSpec frame, long maxPixels) : ImageDecoder(frame, maxPixels)
    {
        public int Calls { get; private set; }

        public ImageHeader? LastHeader { get; private set; }

        public override string Name => "counting";

        public override string Library => "none";

        public override byte[] EncodeGreyJpeg(int width, int height) => [];

        protected override void DecodeChecked(ReadOnlySpan<byte> data, ImageHeader header, Span<byte> rgb)
        {
            Calls++;
            LastHeader = header;
        }
    }
}
