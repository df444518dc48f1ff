using System.Buffers.Binary;
using System.Text;
using EdgeInference.Onnx.Imaging;
using EdgeInference.Testing;
using OpenCvSharp;
using Xunit;

namespace EdgeInference.Onnx.Tests.Imaging;

public sealed class ImageHeaderTests
{
    [Theory]
    [InlineData(".jpg", "jpeg")]
    [InlineData(".bmp", "bmp")]
    [InlineData(".webp", "webp")]
    public void TryRead_ImageEncodedByOpenCv_GivesFormatAndSize(string extension, string format)
    {
        var image = TestImages.Solid(123, 45, (10, 200, 30), extension);

        Assert.True(ImageHeader.TryRead(image, out var header));

        Assert.Equal(new ImageHeader(format, 123, 45), header);
        Assert.Equal(123L * 45, header.Pixels);
    }

    [Fact]
    public void TryRead_LosslessWebP_ReadsTheVp8lHeader()
    {
        var image = Encode(new Mat(77, 301, MatType.CV_8UC3, Scalar.All(90)), ".webp", new ImageEncodingParam(ImwriteFlags.WebPQuality, 101));
        Assert.Equal("VP8L", Encoding.ASCII.GetString(image, 12, 4));

        Assert.True(ImageHeader.TryRead(image, out var header));

        Assert.Equal(new ImageHeader("webp", 301, 77), header);
    }

    [Fact]
    public void TryRead_LossyWebP_ReadsTheVp8Header()
    {
        var image = Encode(new Mat(200, 640, MatType.CV_8UC3, Scalar.All(90)), ".webp", new ImageEncodingParam(ImwriteFlags.WebPQuality, 80));
        Assert.Equal("VP8 ", Encoding.ASCII.GetString(image, 12, 4));

        Assert.True(ImageHeader.TryRead(image, out var header));

        Assert.Equal(new ImageHeader("webp", 640, 200), header);
    }

    [Fact]
    public void TryRead_ExtendedWebP_ReadsTheVp8xCanvasSize()
    {
        // RIFF, size, WEBP, "VP8X", chunk size 10, flags + 3 reserved bytes, canvas width-1 and height-1 in 24 bits each.
        var image = new byte[30];
        "RIFF"u8.CopyTo(image);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(4), 22);
        "WEBPVP8X"u8.CopyTo(image.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(16), 10);
        WriteUInt24(image.AsSpan(24), 70_000 - 1);
        WriteUInt24(image.AsSpan(27), 3 - 1);

        Assert.True(ImageHeader.TryRead(image, out var header));

        Assert.Equal(new ImageHeader("webp", 70_000, 3), header);
    }

    [Theory]
    [InlineData("GIF89a")]
    [InlineData("GIF87a")]
    public void TryRead_HandMadeGifHeader_GivesTheLogicalScreenSize(string signature)
    {
        var gif = Gif(signature, 640, 481);

        Assert.True(ImageHeader.TryRead(gif, out var header));

        Assert.Equal(new ImageHeader("gif", 640, 481), header);
    }

    [Fact]
    public void TryRead_TopDownBmp_GivesAPositiveHeight()
    {
        var bmp = TestImages.Solid(40, 30, (1, 2, 3), ".bmp");
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), -30);

        Assert.True(ImageHeader.TryRead(bmp, out var header));

        Assert.Equal(new ImageHeader("bmp", 40, 30), header);
    }

    [Fact]
    public void TryRead_ProgressiveJpeg_ReadsTheSof2Frame()
    {
        var jpeg = Encode(new Mat(90, 160, MatType.CV_8UC3, Scalar.All(60)), ".jpg", new ImageEncodingParam(ImwriteFlags.JpegProgressive, 1));
        Assert.True(jpeg.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xC2]) > 0, "OpenCV did not write a progressive (SOF2) JPEG");

        Assert.True(ImageHeader.TryRead(jpeg, out var header));

        Assert.Equal(new ImageHeader("jpeg", 160, 90), header);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(20)]
    public void TryRead_TruncatedJpegHeader_ThrowsFormatException(int keep)
    {
        var jpeg = TestImages.PhotoLikeJpeg(64, 48);

        var error = Assert.Throws<FormatException>(() => ImageHeader.TryRead(jpeg.AsSpan(0, keep), out _));

        Assert.Contains("JPEG", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_TruncatedGif_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => ImageHeader.TryRead(Gif("GIF89a", 10, 10).AsSpan(0, 8), out _));
    }

    [Fact]
    public void TryRead_TruncatedWebP_ThrowsFormatException()
    {
        var webp = TestImages.Solid(64, 48, (1, 2, 3), ".webp");

        Assert.Throws<FormatException>(() => ImageHeader.TryRead(webp.AsSpan(0, 24), out _));
    }

    [Fact]
    public void TryRead_Png_ReadsSizeAndRefusesBrokenHeaders()
    {
        var png = TestImages.Solid(123, 45, (10, 200, 30), ".png");
        Assert.True(ImageHeader.TryRead(png, out var header));
        Assert.Equal(new ImageHeader("png", 123, 45), header);

        Assert.True(ImageHeader.TryRead(TestImages.PngHeaderClaiming(50_000, 50_000), out var huge));
        Assert.Equal(2_500_000_000L, huge.Pixels);

        var wide = TestImages.PngHeaderClaiming(1, 1);
        BinaryPrimitives.WriteUInt32BigEndian(wide.AsSpan(16), 0xFFFF_FFF0);
        Assert.True(ImageHeader.TryRead(wide, out var clamped));
        Assert.Equal(int.MaxValue, clamped.Width);

        Assert.Throws<FormatException>(() => ImageHeader.TryRead(png.AsSpan(0, 20), out _));
        Assert.Throws<FormatException>(() => ImageHeader.TryRead(png.AsSpan(0, 8), out _));
        "IHDX"u8.CopyTo(png.AsSpan(12));
        var error = Assert.Throws<FormatException>(() => ImageHeader.TryRead(png, out _));
        Assert.Contains("IHDR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_JpegWithBrokenMarkerChain_ThrowsFormatException()
    {
        var jpeg = TestImages.PhotoLikeJpeg(64, 48);
        jpeg[4] = 0x00;
        jpeg[5] = 0x01; // the first segment (APP0) claims length 1, less than its own length field

        Assert.Throws<FormatException>(() => ImageHeader.TryRead(jpeg, out _));
    }

    [Theory]
    [InlineData(".tiff", "tiff")]
    [InlineData(".ppm", "pnm")]
    [InlineData(".pgm", "pnm")]
    public void TryRead_TiffAndPnmEncodedByOpenCv_GiveFormatAndSize(string extension, string format)
    {
        var image = extension == ".pgm"
            ? Grey(123, 45, extension)
            : TestImages.Solid(123, 45, (10, 200, 30), extension);

        Assert.True(ImageHeader.TryRead(image, out var header));
        Assert.Equal(new ImageHeader(format, 123, 45), header);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TryRead_TiffClaimingAHugeSize_GivesTheClaimedSizeInEitherByteOrder(bool bigEndian)
    {
        Assert.True(ImageHeader.TryRead(TestImages.TiffHeaderClaiming(16_000, 15_000, bigEndian), out var header));

        Assert.Equal(new ImageHeader("tiff", 16_000, 15_000), header);
    }

    [Fact]
    public void TryRead_TiffWithBrokenIfd_ThrowsFormatException()
    {
        var tiff = TestImages.TiffHeaderClaiming(10, 10);
        var pastTheEnd = (byte[])tiff.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(pastTheEnd.AsSpan(4), 10_000);
        var noSize = (byte[])tiff.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(noSize.AsSpan(10), 300);
        BinaryPrimitives.WriteUInt16LittleEndian(noSize.AsSpan(22), 301);

        Assert.Contains("outside", Assert.Throws<FormatException>(() => ImageHeader.TryRead(pastTheEnd, out _)).Message, StringComparison.Ordinal);
        Assert.Contains("no ImageWidth or ImageLength", Assert.Throws<FormatException>(() => ImageHeader.TryRead(noSize, out _)).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ImageHeader.TryRead(tiff.AsSpan(0, 40), out _));
    }

    [Theory]
    [InlineData("P6\n1 1\n255\n", 1, 1)]
    [InlineData("P5 # comment 9 9\n640\t480 255 ", 640, 480)]
    [InlineData("P1\n#\n#x\n3\r\n2\n", 3, 2)]
    public void TryRead_PnmHeaders_GiveTheSize(string text, int width, int height)
    {
        Assert.True(ImageHeader.TryRead(Encoding.ASCII.GetBytes(text), out var header));

        Assert.Equal(new ImageHeader("pnm", width, height), header);
    }

    [Theory]
    [InlineData("P6\n640")]
    [InlineData("P6\nwide 480\n")]
    public void TryRead_BrokenPnmHeader_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => ImageHeader.TryRead(Encoding.ASCII.GetBytes(text), out _));
    }

    [Fact]
    public void TryRead_WebPWithUnknownChunk_ThrowsFormatException()
    {
        var webp = TestImages.Solid(8, 8, (1, 2, 3), ".webp");
        "ABCD"u8.CopyTo(webp.AsSpan(12));

        Assert.Throws<FormatException>(() => ImageHeader.TryRead(webp, out _));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x49, 0x49, 0x2B, 0x00, 0x08, 0x00, 0x00, 0x00 })] // BigTIFF
    [InlineData(new byte[] { (byte)'P', (byte)'7', (byte)'\n' })] // PAM
    [InlineData(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' })]
    [InlineData(new byte[] { 0xFF, 0xD8 })]
    public void TryRead_UnknownFormat_ReturnsFalse(byte[] data)
    {
        Assert.False(ImageHeader.TryRead(data, out var header));
        Assert.Equal(default, header);
    }

    [Fact]
    public void TryRead_RandomBytes_ReturnsFalse()
    {
        var data = new byte[4096];
        new Random(7).NextBytes(data);
        data[0] = 0x00;

        Assert.False(ImageHeader.TryRead(data, out _));
    }

    [Fact]
    public void JpegHasEndOfImage_FullJpeg_IsTrue()
    {
        Assert.True(ImageHeader.JpegHasEndOfImage(TestImages.PhotoLikeJpeg(320, 240)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    public void JpegHasEndOfImage_CutJpeg_IsFalse(int divisor)
    {
        var jpeg = TestImages.PhotoLikeJpeg(320, 240);

        Assert.False(ImageHeader.JpegHasEndOfImage(jpeg.AsSpan(0, jpeg.Length / divisor)));
        Assert.False(ImageHeader.JpegHasEndOfImage(jpeg.AsSpan(0, jpeg.Length - 2)));
    }

    [Fact]
    public void JpegHasEndOfImage_EndMarkerOnlyInAHeaderSegment_IsFalse()
    {
        // A COM segment holding FF D9 sits before the scan; a file cut inside its scan must still be called truncated.
        var jpeg = TestImages.PhotoLikeJpeg(320, 240);
        byte[] comment = [0xFF, 0xFE, 0x00, 0x06, 0xFF, 0xD9, 0xFF, 0xD9];
        var withComment = jpeg[..2].Concat(comment).Concat(jpeg[2..]).ToArray();

        Assert.True(ImageHeader.JpegHasEndOfImage(withComment));
        Assert.False(ImageHeader.JpegHasEndOfImage(withComment.AsSpan(0, withComment.Length / 2)));
    }

    private static byte[] Gif(string signature, ushort width, ushort height)
    {
        var gif = new byte[13];
        Encoding.ASCII.GetBytes(signature).CopyTo(gif, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(6), width);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(8), height);
        return gif;
    }

    private static byte[] Encode(Mat mat, string extension, params ImageEncodingParam[] parameters)
    {
        using (mat)
        {
            Cv2.ImEncode(extension, mat, out var bytes, parameters);
            return bytes;
        }
    }

    private static void WriteUInt24(Span<byte> target, int value)
    {
        target[0] = (byte)value;
        target[1] = (byte)(value >> 8);
        target[2] = (byte)(value >> 16);
    }

    private static byte[] Grey(int width, int height, string extension)
    {
        using var mat = new Mat(height, width, MatType.CV_8UC1, Scalar.All(77));
        Cv2.ImEncode(extension, mat, out var bytes);
        return bytes;
    }
}
