using System.Buffers.Binary;
using System.Text;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Results;
using EdgeInference.Onnx.Imaging;
using EdgeInference.Testing;
using OpenCvSharp;
using Xunit;

namespace EdgeInference.Onnx.Tests.Imaging;

/// <summary>What every decoder does alike: the header gate's refusals, and reading the formats both accept.</summary>
public sealed class ImageDecoderTests
{
    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_ZeroBytes_IsInvalidImageSayingEmpty(string decoder)
    {
        var error = Assert.Throws<InferenceException>(() => DecoderCases.Create(decoder, 224, 224).DecodeToFrame([]));

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Contains("empty (0 bytes)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_JpegCutInHalf_IsInvalidImageSayingTruncated(string decoder)
    {
        var jpeg = TestImages.PhotoLikeJpeg(640, 480);

        var error = Assert.Throws<InferenceException>(() => DecoderCases.Create(decoder, 224, 224).DecodeToFrame(jpeg.AsSpan(0, jpeg.Length / 2)));

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_RandomBytes_IsInvalidImageNamingTheFormatsRead(string decoder)
    {
        var data = new byte[10_000];
        new Random(11).NextBytes(data);
        data[0] = 0x00;

        var error = Assert.Throws<InferenceException>(() => DecoderCases.Create(decoder, 224, 224).DecodeToFrame(data));

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Contains($"not an image in a format the worker reads ({ImageHeader.SupportedFormats})", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_BrokenJpegHeader_IsInvalidImageSayingHeaderInvalid(string decoder)
    {
        var jpeg = TestImages.PhotoLikeJpeg(64, 48);

        var error = Assert.Throws<InferenceException>(() => DecoderCases.Create(decoder, 224, 224).DecodeToFrame(jpeg.AsSpan(0, 20)));

        Assert.Contains("header is invalid", error.Message, StringComparison.Ordinal);
        Assert.IsType<FormatException>(error.InnerException);
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_GifHeaderWithZeroWidth_IsInvalidImageSayingEmptySize(string decoder)
    {
        var gif = new byte[13];
        "GIF89a"u8.CopyTo(gif);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(8), 10);

        var error = Assert.Throws<InferenceException>(() => DecoderCases.Create(decoder, 224, 224).DecodeToFrame(gif));

        Assert.Contains("empty size 0×10", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, byte[]> HugeHeaders()
    {
        var data = new TheoryData<string, string, byte[]>();
        foreach (var decoder in new[] { OpenCvImageDecoder.DecoderName, VipsImageDecoder.DecoderName })
        {
            data.Add(decoder, "png", TestImages.PngHeaderClaiming(50_000, 50_000));
            data.Add(decoder, "jpeg", JpegClaiming(60_000, 60_000));
            data.Add(decoder, "bmp", BmpClaiming(50_000, 50_000));
            data.Add(decoder, "gif", GifClaiming(65_535, 65_535));
            data.Add(decoder, "webp", WebPClaiming(16_383, 16_383));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HugeHeaders))]
    public void Decode_HeaderClaimingAHugeImage_IsRefusedBeforeDecodingWithTheLimit(string decoder, string format, byte[] data)
    {
        var error = Assert.Throws<InferenceException>(() => DecoderCases.Create(decoder, 224, 224).DecodeToFrame(data));

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Contains($"The {format} image is", error.Message, StringComparison.Ordinal);
        Assert.Contains("over the limit of 40,000,000", error.Message, StringComparison.Ordinal);
        Assert.Contains("not decoded", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_ImageOverASmallLimit_IsRefusedNamingSizeAndLimit(string decoder)
    {
        var error = Assert.Throws<InferenceException>(() => DecoderCases.Create(decoder, 32, 32, maxPixels: 10_000).DecodeToFrame(TestImages.Solid(300, 300, (9, 9, 9), ".jpg")));

        Assert.Contains("300×300 = 90,000 pixels", error.Message, StringComparison.Ordinal);
        Assert.Contains("limit of 10,000", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_ImageExactlyAtTheLimit_IsDecoded(string decoder)
    {
        var frame = DecoderCases.Create(decoder, 32, 32, maxPixels: 100 * 100).DecodeToFrame(TestImages.Solid(100, 100, (9, 19, 29), ".png"));

        Assert.Equal((9, 19, 29), frame.Pixel(32, 16, 16));
    }

    [Theory]
    [InlineData("opencv", false)]
    [InlineData("opencv", true)]
    [InlineData("vips", false)]
    [InlineData("vips", true)]
    public void Decode_TiffOverTheLimit_IsRefusedByTheGateBeforeAnyDecoderReadsIt(string decoder, bool bigEndian)
    {
        // 16000×16000 is under OpenCV's own 2^28 ceiling: without the gate, OpenCV decoded it (+750 MB, seconds).
        var error = Assert.Throws<InferenceException>(() => DecoderCases.Create(decoder, 224, 224).DecodeToFrame(TestImages.TiffHeaderClaiming(16_000, 16_000, bigEndian)));

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Contains("The tiff image is 16000×16000 = 256,000,000 pixels, over the limit of 40,000,000", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_PnmOverTheLimit_IsRefusedByTheGate(string decoder)
    {
        var pnm = Encoding.ASCII.GetBytes("P6\n# a comment\n8000 8000\n255\n").Concat(new byte[64]).ToArray();

        var error = Assert.Throws<InferenceException>(() => DecoderCases.Create(decoder, 224, 224).DecodeToFrame(pnm));

        Assert.Contains("The pnm image is 8000×8000 = 64,000,000 pixels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_SmallPnm_IsReadByOpenCvAndRefusedByVipsNamingTheWayOut()
    {
        var pnm = TestImages.Solid(6, 4, (7, 8, 9), ".ppm");

        var read = DecoderCases.Create(OpenCvImageDecoder.DecoderName, 6, 4).DecodeToFrame(pnm);
        var vips = Assert.Throws<InferenceException>(() => DecoderCases.Create(VipsImageDecoder.DecoderName, 6, 4).DecodeToFrame(pnm));

        Assert.Equal((7, 8, 9), read.Pixel(6, 3, 2));
        Assert.Contains("The vips decoder", vips.Message, StringComparison.Ordinal);
        Assert.Contains("PNM need Model:ImageDecoder opencv", vips.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_SolidColourPng_IsRgb(string decoder)
    {
        var frame = DecoderCases.Create(decoder, 20, 10).DecodeToFrame(TestImages.Solid(20, 10, (200, 100, 50)));

        Assert.Equal((200, 100, 50), frame.Pixel(20, 10, 5));
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_GreyscalePng_IsExpandedToThreeChannels(string decoder)
    {
        using var grey = new Mat(10, 10, MatType.CV_8UC1, Scalar.All(77));
        Cv2.ImEncode(".png", grey, out var png);

        var frame = DecoderCases.Create(decoder, 10, 10).DecodeToFrame(png);

        Assert.Equal((77, 77, 77), frame.Pixel(10, 3, 3));
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_PngWithAlpha_DropsTheAlphaChannel(string decoder)
    {
        using var rgba = new Mat(8, 8, MatType.CV_8UC4, new Scalar(30, 20, 10, 0));
        Cv2.ImEncode(".png", rgba, out var png);

        var frame = DecoderCases.Create(decoder, 8, 8).DecodeToFrame(png);

        Assert.Equal((10, 20, 30), frame.Pixel(8, 4, 4));
    }

    [Theory]
    [MemberData(nameof(DecoderCases.Names), MemberType = typeof(DecoderCases))]
    public void Decode_SixteenBitPng_IsScaledToEightBits(string decoder)
    {
        using var deep = new Mat(8, 8, MatType.CV_16UC3, new Scalar(256 * 30, 256 * 20, 256 * 10));
        Cv2.ImEncode(".png", deep, out var png);

        var frame = DecoderCases.Create(decoder, 8, 8).DecodeToFrame(png);

        Assert.Equal((10, 20, 30), frame.Pixel(8, 4, 4));
    }

    [Theory]
    [InlineData(".webp")]
    [InlineData(".tiff")]
    [InlineData(".png")]
    public void Decode_FormatsBothRead_GiveTheSameColour(string extension)
    {
        var image = TestImages.Solid(64, 48, (200, 100, 50), extension);

        foreach (var decoder in new[] { OpenCvImageDecoder.DecoderName, VipsImageDecoder.DecoderName })
        {
            var pixel = DecoderCases.Create(decoder, 32, 24).DecodeToFrame(image).Pixel(32, 16, 12);
            Assert.True(Math.Abs(pixel.R - 200) <= 3 && Math.Abs(pixel.G - 100) <= 3 && Math.Abs(pixel.B - 50) <= 3, $"{decoder} read {extension} as {pixel}");
        }
    }

    [Fact]
    public void Decode_Bmp_IsReadByOpenCvAndRefusedByVipsNamingTheDecoderAndTheWayOut()
    {
        var bmp = TestImages.Solid(40, 30, (1, 2, 3), ".bmp");

        var read = DecoderCases.Create(OpenCvImageDecoder.DecoderName, 40, 30).DecodeToFrame(bmp);
        var refused = Assert.Throws<InferenceException>(() => DecoderCases.Create(VipsImageDecoder.DecoderName, 40, 30).DecodeToFrame(bmp));

        Assert.Equal((1, 2, 3), read.Pixel(40, 20, 15));
        Assert.Equal(ErrorCodes.InvalidImage, refused.Code);
        Assert.Contains("The vips decoder (libvips", refused.Message, StringComparison.Ordinal);
        Assert.Contains("bmp", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Model:ImageDecoder opencv", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_Svg_IsRefusedByTheGateThoughLibvipsCouldReadIt()
    {
        var svg = Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\"><rect width=\"8\" height=\"8\" fill=\"red\"/></svg>");

        foreach (var decoder in new[] { VipsImageDecoder.DecoderName, OpenCvImageDecoder.DecoderName })
        {
            var error = Assert.Throws<InferenceException>(() => DecoderCases.Create(decoder, 8, 8).DecodeToFrame(svg));
            Assert.Contains(ImageHeader.SupportedFormats, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Decode_FrameBufferTooSmall_ThrowsNamingBothSizes()
    {
        var decoder = DecoderCases.Create(OpenCvImageDecoder.DecoderName, 4, 4);

        var error = Assert.Throws<ArgumentException>(() => decoder.Decode(TestImages.Solid(4, 4, (1, 1, 1)), new byte[47]));

        Assert.Contains("47", error.Message, StringComparison.Ordinal);
        Assert.Contains("48", error.Message, StringComparison.Ordinal);
    }

    internal static byte[] JpegClaiming(ushort width, ushort height)
    {
        var jpeg = TestImages.PhotoLikeJpeg(64, 48);
        var sof = jpeg.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xC0]);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), height);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), width);
        return jpeg;
    }

    private static byte[] BmpClaiming(int width, int height)
    {
        var bmp = TestImages.Solid(2, 2, (1, 2, 3), ".bmp");
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        return bmp;
    }

    private static byte[] GifClaiming(ushort width, ushort height)
    {
        var gif = new byte[13];
        "GIF89a"u8.CopyTo(gif);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(6), width);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(8), height);
        return gif;
    }

    private static byte[] WebPClaiming(int width, int height)
    {
        using var small = new Mat(16, 16, MatType.CV_8UC3, Scalar.All(90));
        Cv2.ImEncode(".webp", small, out var webp, new ImageEncodingParam(ImwriteFlags.WebPQuality, 80));
        Assert.Equal("VP8 ", Encoding.ASCII.GetString(webp, 12, 4));
        BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(26), (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(28), (ushort)height);
        return webp;
    }
}
