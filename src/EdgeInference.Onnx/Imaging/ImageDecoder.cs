using EdgeInference.Core.Inference;
using OpenCvSharp;

namespace EdgeInference.Onnx.Imaging;

/// <summary>
/// Decodes encoded images to BGR 8-bit with OpenCV. The pixel limit is enforced from the header, before
/// any pixel memory is allocated; a JPEG at least twice the model input is decoded at 1/2, 1/4 or 1/8
/// scale in libjpeg's DCT, which skips most of the decoding work.
/// </summary>
public sealed class ImageDecoder
{
    private readonly int _targetWidth;
    private readonly int _targetHeight;
    private readonly long _maxPixels;

    public ImageDecoder(int targetWidth, int targetHeight, long maxPixels)
    {
        _targetWidth = targetWidth;
        _targetHeight = targetHeight;
        _maxPixels = maxPixels;
    }

    /// <summary>Decodes to a BGR Mat the caller disposes.</summary>
    /// <exception cref="InferenceException">Code InvalidImage, with what is wrong.</exception>
    public Mat Decode(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            throw InferenceException.InvalidImage("The image is empty (0 bytes).");
        }

        var mode = ImreadModes.Color;
        ImageHeader header;
        bool known;
        try
        {
            known = ImageHeader.TryRead(data, out header);
        }
        catch (FormatException ex)
        {
            throw InferenceException.InvalidImage($"The image header is invalid: {ex.Message}", ex);
        }

        if (known)
        {
            if (header.Width <= 0 || header.Height <= 0)
            {
                throw InferenceException.InvalidImage($"The {header.Format} header gives an empty size {header.Width}×{header.Height}.");
            }

            if (header.Pixels > _maxPixels)
            {
                throw InferenceException.InvalidImage(
                    $"The {header.Format} image is {header.Width}×{header.Height} = {header.Pixels:N0} pixels, over the limit of {_maxPixels:N0} (Limits:MaxImagePixels); it was not decoded.");
            }

            if (header.Format == "jpeg")
            {
                if (!ImageHeader.JpegHasEndOfImage(data))
                {
                    throw InferenceException.InvalidImage("The JPEG is truncated: it has no end-of-image marker after its scan data.");
                }

                mode = ReducedMode(header);
            }
        }

        Mat mat;
        try
        {
            mat = Cv2.ImDecode(data, mode);
        }
        catch (OpenCVException ex)
        {
            throw InferenceException.InvalidImage($"The image could not be decoded: {ex.Message}", ex);
        }

        if (mat.Empty())
        {
            mat.Dispose();
            throw InferenceException.InvalidImage(known
                ? $"The {header.Format} image could not be decoded (corrupt or truncated data)."
                : "The payload is not an image format the decoder reads (JPEG, PNG, BMP, GIF, WebP, TIFF, PNM ...).");
        }

        return mat;
    }

    /// <summary>The largest reduction that leaves the decoded image at least the model input size on both axes.</summary>
    internal ImreadModes ReducedMode(ImageHeader header)
    {
        foreach (var (factor, reduced) in new[] { (8, ImreadModes.ReducedColor8), (4, ImreadModes.ReducedColor4), (2, ImreadModes.ReducedColor2) })
        {
            if (header.Width / factor >= _targetWidth && header.Height / factor >= _targetHeight)
            {
                return reduced;
            }
        }

        return ImreadModes.Color;
    }
}
