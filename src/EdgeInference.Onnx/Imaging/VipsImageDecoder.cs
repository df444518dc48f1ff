using System.Runtime.InteropServices;
using EdgeInference.Core.Manifest;
using NetVips;

namespace EdgeInference.Onnx.Imaging;

/// <summary>
/// libvips (NetVips; natives served for linux-x64 and linux-arm64, no system packages needed). A JPEG at least twice the
/// frame is shrunk on load (1/2, 1/4, 1/8 in the DCT, as OpenCV's reduced modes); the fit uses a linear kernel, which
/// anti-aliases when shrinking. Reads JPEG, PNG, WebP, GIF and TIFF; refuses the other formats its build knows (SVG, PDF,
/// HEIF, ...) so it accepts no image OpenCV would not; BMP and PNM are OpenCV's only (this libvips build has no buffer
/// loader for them), and the refusal says so.
/// </summary>
public sealed class VipsImageDecoder : ImageDecoder
{
    public const string DecoderName = "vips";

    /// <summary>The loaders this decoder uses (libvips' class names, as <see cref="Image.FindLoadBuffer(ReadOnlySpan{byte})"/> gives them).</summary>
    private static readonly string[] AllowedLoaders =
        ["VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp", "VipsForeignLoadGif", "VipsForeignLoadNsgif", "VipsForeignLoadTiff"];

    private readonly string _library;

    public VipsImageDecoder(FrameSpec frame, long maxPixels)
        : base(frame, maxPixels)
    {
        _library = VipsEnvironment.Configure();
    }

    public override string Name => DecoderName;

    public override string Library => _library;

    public override byte[] EncodeGreyJpeg(int width, int height)
    {
        using var black = Image.Black(width, height, bands: 3);
        using var grey = black + 128;
        using var bytes = grey.Cast(Enums.BandFormat.Uchar);
        return bytes.JpegsaveBuffer(q: 90);
    }

    protected override void DecodeChecked(ReadOnlySpan<byte> data, ImageHeader header, Span<byte> rgb)
    {
        var loader = Image.FindLoadBuffer(data);
        if (loader is null)
        {
            throw Refused($"could not read the {header.Format} image: libvips has no loader for it (BMP and PNM need Model:ImageDecoder opencv, on linux-x64).");
        }

        if (!AllowedLoaders.Any(allowed => loader.StartsWith(allowed, StringComparison.Ordinal)))
        {
            throw Refused($"does not accept this format (libvips loader {loader}): send JPEG, PNG, WebP, GIF or TIFF.");
        }

        try
        {
            using var loaded = Load(data, header);
            using var fitted = Fit(loaded);
            Copy(fitted, rgb);
        }
        catch (VipsException ex)
        {
            throw Refused($"could not decode the image: {FirstLine(ex.Message)}", ex);
        }
    }

    private Image Load(ReadOnlySpan<byte> data, ImageHeader header)
    {
        var shrink = header is { Format: ImageHeader.Jpeg } jpeg ? FrameGeometry.JpegReduction(jpeg.Width, jpeg.Height, Frame) : 1;
        var image = shrink > 1
            ? Image.NewFromBuffer(data, access: Enums.Access.Sequential, failOn: Enums.FailOn.Truncated, kwargs: new VOption { { "shrink", shrink } })
            : Image.NewFromBuffer(data, access: Enums.Access.Sequential, failOn: Enums.FailOn.Truncated);
        try
        {
            // A second line of defence: the size libvips read itself (a TIFF page it chose, say) is held to the same limit.
            var (width, height) = (image.Width * (long)shrink, image.Height * (long)shrink);
            ImageHeaderGate.ThrowIfOverLimit(header.Format, width, height, MaxPixels);
            return ToRgb8(image);
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <summary>8-bit sRGB, three bands: greyscale and CMYK are converted, 16-bit scaled down, alpha dropped (as OpenCV's colour read).</summary>
    private static Image ToRgb8(Image image)
    {
        var current = image;
        if (current.Interpretation != Enums.Interpretation.Srgb || current.Format != Enums.BandFormat.Uchar)
        {
            current = Replace(current, current.Colourspace(Enums.Interpretation.Srgb));
            if (current.Format != Enums.BandFormat.Uchar)
            {
                current = Replace(current, current.Cast(Enums.BandFormat.Uchar));
            }
        }

        if (current.Bands > 3)
        {
            current = Replace(current, current.ExtractBand(0, n: 3));
        }

        return current;
    }

    private Image Fit(Image source)
    {
        var frame = (Frame.Width, Frame.Height);
        switch (Frame.ResizeMode)
        {
            case ResizeMode.CenterCrop:
            {
                var cover = FrameGeometry.CoverSize(source.Width, source.Height, Frame);
                using var scaled = ResizeTo(source, cover);
                var (left, top) = FrameGeometry.Centred(cover, frame);
                return scaled.ExtractArea(left, top, Frame.Width, Frame.Height);
            }

            case ResizeMode.Letterbox:
            {
                var fit = FrameGeometry.FitSize(source.Width, source.Height, Frame);
                using var scaled = ResizeTo(source, fit);
                var (left, top) = FrameGeometry.Centred(frame, fit);
                return scaled.Embed(left, top, Frame.Width, Frame.Height, extend: Enums.Extend.Black);
            }

            default:
                return ResizeTo(source, frame);
        }
    }

    private static Image ResizeTo(Image source, (int Width, int Height) size)
    {
        if (source.Width == size.Width && source.Height == size.Height)
        {
            return source.Copy();
        }

        var resized = source.Resize((double)size.Width / source.Width, kernel: Enums.Kernel.Linear, vscale: (double)size.Height / source.Height);
        if (resized.Width == size.Width && resized.Height == size.Height)
        {
            return resized;
        }

        // libvips rounds the output size; pin it to the exact frame (at most a pixel of edge is repeated or cut).
        using (resized)
        {
            return resized.Gravity(Enums.CompassDirection.NorthWest, size.Width, size.Height, extend: Enums.Extend.Copy);
        }
    }

    private static void Copy(Image image, Span<byte> rgb)
    {
        var memory = image.WriteToMemory(out var size);
        try
        {
            if ((long)size != rgb.Length)
            {
                throw new VipsException($"libvips produced {size} bytes for a {image.Width}×{image.Height}×{image.Bands} frame; {rgb.Length} were expected.");
            }

            unsafe
            {
                new ReadOnlySpan<byte>((void*)memory, rgb.Length).CopyTo(rgb);
            }
        }
        finally
        {
            NetVips.NetVips.Free(memory);
        }
    }

    private static Image Replace(Image old, Image next)
    {
        old.Dispose();
        return next;
    }

    private static string FirstLine(string message)
    {
        var trimmed = message.Trim();
        var newline = trimmed.IndexOfAny(['\r', '\n']);
        return newline < 0 ? trimmed : trimmed[..newline] + " " + trimmed[(newline + 1)..].Replace('\n', ' ').Trim();
    }
}
