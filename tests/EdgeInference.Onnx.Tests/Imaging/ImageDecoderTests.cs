using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Results;
using EdgeInference.Onnx.Imaging;
using EdgeInference.Testing;
using OpenCvSharp;
using Xunit;

namespace EdgeInference.Onnx.Tests.Imaging;

public sealed class ImageDecoderTests
{
    private const long DefaultLimit = 40_000_000;

    private static readonly ImageDecoder Decoder224 = new(224, 224, DefaultLimit);

    [Fact]
    public void Decode_ZeroBytes_IsInvalidImageSayingEmpty()
    {
        var error = Assert.Throws<InferenceException>(() => Decoder224.Decode([]));

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Contains("empty (0 bytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_JpegCutInHalf_IsInvalidImageSayingTruncated()
    {
        var jpeg = TestImages.PhotoLikeJpeg(640, 480);

        var error = Assert.Throws<InferenceException>(() => Decoder224.Decode(jpeg.AsSpan(0, jpeg.Length / 2)));

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RandomBytes_IsInvalidImageSayingNotAnImage()
    {
        var data = new byte[10_000];
        new Random(11).NextBytes(data);
        data[0] = 0x00;

        var error = Assert.Throws<InferenceException>(() => Decoder224.Decode(data));

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Contains("not an image format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_BrokenJpegHeader_IsInvalidImageSayingHeaderInvalid()
    {
        var jpeg = TestImages.PhotoLikeJpeg(64, 48);

        var error = Assert.Throws<InferenceException>(() => Decoder224.Decode(jpeg.AsSpan(0, 20)));

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Contains("header is invalid", error.Message, StringComparison.Ordinal);
        Assert.IsType<FormatException>(error.InnerException);
    }

    [Fact]
    public void Decode_GifHeaderWithZeroWidth_IsInvalidImageSayingEmptySize()
    {
        var gif = new byte[13];
        "GIF89a"u8.CopyTo(gif);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(8), 10);

        var error = Assert.Throws<InferenceException>(() => Decoder224.Decode(gif));

        Assert.Contains("empty size 0×10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PngClaiming50000Squared_IsRefusedFromTheHeaderWithTheLimit()
    {
        var png = TestImages.PngHeaderClaiming(50_000, 50_000);

        var error = Assert.Throws<InferenceException>(() => Decoder224.Decode(png));

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Contains("50000×50000", error.Message, StringComparison.Ordinal);
        Assert.Contains("40,000,000", error.Message, StringComparison.Ordinal);
        Assert.Contains("not decoded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PngClaiming50000Squared_IsRefusedQuickly()
    {
        var png = TestImages.PngHeaderClaiming(50_000, 50_000);
        Assert.Throws<InferenceException>(() => Decoder224.Decode(png));

        var watch = Stopwatch.StartNew();
        var error = Assert.Throws<InferenceException>(() => Decoder224.Decode(png));
        watch.Stop();

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.True(watch.ElapsedMilliseconds < 50, $"refusal took {watch.ElapsedMilliseconds} ms");
    }

    public static TheoryData<string, byte[]> HugeHeaders => new()
    {
        { "jpeg", JpegClaiming(60_000, 60_000) },
        { "bmp", BmpClaiming(50_000, 50_000) },
        { "gif", GifClaiming(65_535, 65_535) },
        { "webp", WebPClaiming(16_383, 16_383) },
    };

    [Theory]
    [MemberData(nameof(HugeHeaders))]
    public void Decode_HeaderClaimingAHugeImage_IsRefusedBeforeDecodingWithTheLimit(string format, byte[] data)
    {
        Assert.Throws<InferenceException>(() => Decoder224.Decode(data));

        var watch = Stopwatch.StartNew();
        var error = Assert.Throws<InferenceException>(() => Decoder224.Decode(data));
        watch.Stop();

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Contains($"The {format} image is", error.Message, StringComparison.Ordinal);
        Assert.Contains("over the limit of 40,000,000", error.Message, StringComparison.Ordinal);
        Assert.Contains("not decoded", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
        Assert.True(watch.ElapsedMilliseconds < 50, $"refusal took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Decode_ImageOverASmallLimit_IsRefusedNamingSizeAndLimit()
    {
        var decoder = new ImageDecoder(32, 32, maxPixels: 10_000);

        var error = Assert.Throws<InferenceException>(() => decoder.Decode(TestImages.Solid(300, 300, (9, 9, 9), ".jpg")));

        Assert.Contains("300×300 = 90,000 pixels", error.Message, StringComparison.Ordinal);
        Assert.Contains("limit of 10,000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ImageExactlyAtTheLimit_IsDecoded()
    {
        var decoder = new ImageDecoder(32, 32, maxPixels: 100 * 100);

        using var mat = decoder.Decode(TestImages.Solid(100, 100, (9, 9, 9), ".bmp"));

        Assert.Equal(new Size(100, 100), mat.Size());
    }

    [Theory]
    [InlineData(1280, 960, 224, 224, ImreadModes.ReducedColor4)]
    [InlineData(1280, 960, 32, 32, ImreadModes.ReducedColor8)]
    [InlineData(300, 300, 224, 224, ImreadModes.Color)]
    [InlineData(448, 448, 224, 224, ImreadModes.ReducedColor2)]
    [InlineData(447, 448, 224, 224, ImreadModes.Color)]
    [InlineData(1792, 900, 224, 224, ImreadModes.ReducedColor4)]
    public void ReducedMode_ImageAndTargetSize_PicksTheLargestReductionThatStaysAboveTheTarget(int width, int height, int targetWidth, int targetHeight, ImreadModes expected)
    {
        var decoder = new ImageDecoder(targetWidth, targetHeight, DefaultLimit);

        Assert.Equal(expected, decoder.ReducedMode(new ImageHeader("jpeg", width, height)));
    }

    [Theory]
    [InlineData(224, 320, 240)]
    [InlineData(32, 160, 120)]
    [InlineData(1000, 1280, 960)]
    public void Decode_LargeJpeg_IsDecodedAtTheReducedSize(int target, int expectedWidth, int expectedHeight)
    {
        var decoder = new ImageDecoder(target, target, DefaultLimit);

        using var mat = decoder.Decode(TestImages.PhotoLikeJpeg());

        Assert.Equal(new Size(expectedWidth, expectedHeight), mat.Size());
        Assert.Equal(MatType.CV_8UC3, mat.Type());
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".bmp")]
    [InlineData(".webp")]
    public void Decode_LargeNonJpeg_IsDecodedAtFullSize(string extension)
    {
        using var mat = Decoder224.Decode(TestImages.Solid(1280, 960, (200, 100, 50), extension));

        Assert.Equal(new Size(1280, 960), mat.Size());
    }

    [Fact]
    public void Decode_SolidColourPng_IsBgr()
    {
        using var mat = Decoder224.Decode(TestImages.Solid(20, 10, (200, 100, 50)));

        Assert.Equal(new Vec3b(50, 100, 200), mat.At<Vec3b>(5, 10));
    }

    [Fact]
    public void Decode_GreyscalePng_IsExpandedToThreeChannels()
    {
        using var grey = new Mat(10, 10, MatType.CV_8UC1, Scalar.All(77));
        Cv2.ImEncode(".png", grey, out var png);

        using var mat = Decoder224.Decode(png);

        Assert.Equal(MatType.CV_8UC3, mat.Type());
        Assert.Equal(new Vec3b(77, 77, 77), mat.At<Vec3b>(3, 3));
    }

    [Fact]
    public void Decode_PnmClaimingMoreThanTheOpenCvCeiling_IsRefusedByOpenCvsLimit()
    {
        // 20000×20000 = 4e8 pixels: over the 2^28 ceiling ImageDecoder means to give OpenCV, under OpenCV's default 2^30.
        var pnm = Encoding.ASCII.GetBytes("P6\n20000 20000\n255\n").Concat(new byte[64]).ToArray();

        var error = Assert.Throws<InferenceException>(() => Decoder224.Decode(pnm));

        Assert.IsType<OpenCVException>(error.InnerException);
    }

    private static byte[] JpegClaiming(ushort width, ushort height)
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
