using EdgeInference.Core.Inference;

namespace EdgeInference.Onnx.Imaging;

/// <summary>
/// What every decoder checks before it decodes a pixel: the payload is not empty, it is one of the formats the gate reads
/// (<see cref="ImageHeader.SupportedFormats"/>; anything else is refused, never handed to a decoder whose own limit is
/// unknown), its header is sound and within <c>Limits:MaxImagePixels</c>, and a JPEG is not cut off. It allocates no
/// pixel memory.
/// </summary>
public static class ImageHeaderGate
{
    /// <summary>The header of an image the decoders may decode.</summary>
    /// <exception cref="InferenceException">Code InvalidImage, saying what is wrong.</exception>
    public static ImageHeader Check(ReadOnlySpan<byte> data, long maxPixels)
    {
        if (data.IsEmpty)
        {
            throw InferenceException.InvalidImage("The image is empty (0 bytes).");
        }

        ImageHeader header;
        try
        {
            if (!ImageHeader.TryRead(data, out header))
            {
                throw InferenceException.InvalidImage(
                    $"The payload is not an image in a format the worker reads ({ImageHeader.SupportedFormats}); it was not decoded.");
            }
        }
        catch (FormatException ex)
        {
            throw InferenceException.InvalidImage($"The image header is invalid: {ex.Message}", ex);
        }

        if (header.Width <= 0 || header.Height <= 0)
        {
            throw InferenceException.InvalidImage($"The {header.Format} header gives an empty size {header.Width}×{header.Height}.");
        }

        ThrowIfOverLimit(header.Format, header.Width, header.Height, maxPixels);
        if (header.Format == ImageHeader.Jpeg && !ImageHeader.JpegHasEndOfImage(data))
        {
            throw InferenceException.InvalidImage("The JPEG is truncated: it has no end-of-image marker after its scan data.");
        }

        return header;
    }

    /// <summary>The limit check itself, also for the size a decoder's own header read gives (a second line of defence).</summary>
    /// <exception cref="InferenceException">Code InvalidImage, naming the size and the limit.</exception>
    public static void ThrowIfOverLimit(string format, long width, long height, long maxPixels)
    {
        var pixels = width * height;
        if (pixels > maxPixels)
        {
            throw InferenceException.InvalidImage(
                $"The {format} image is {width}×{height} = {pixels:N0} pixels, over the limit of {maxPixels:N0} (Limits:MaxImagePixels); it was not decoded.");
        }
    }
}
