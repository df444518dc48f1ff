using EdgeInference.Core.Inference;
using EdgeInference.Core.Manifest;

namespace EdgeInference.Onnx.Imaging;

/// <summary>The frame a decoder writes: the model's input size and how the image is fitted to it.</summary>
public sealed record FrameSpec(int Width, int Height, ResizeMode ResizeMode)
{
    /// <summary>Bytes of the packed RGB frame (3 a pixel, rows without padding).</summary>
    public int ByteLength => Width * Height * 3;

    public static FrameSpec For(ModelInputSpec input) => new(input.Width, input.Height, input.ResizeMode);
}

/// <summary>
/// The one decoder contract: encoded bytes in, the model's frame out — decoded, fitted to <see cref="Frame"/> (stretch,
/// centre crop or letterbox) and written as packed 8-bit RGB. Every decoder passes the same header gate first
/// (<see cref="ImageHeaderGate"/>: empty, unsupported format, broken header, over <c>Limits:MaxImagePixels</c>, truncated JPEG), so the
/// pixel limit holds whichever library decodes. Thread-safe: requests decode concurrently.
/// </summary>
public abstract class ImageDecoder
{
    protected ImageDecoder(FrameSpec frame, long maxPixels)
    {
        Frame = frame;
        MaxPixels = maxPixels;
    }

    /// <summary><c>opencv</c> or <c>vips</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The native library and version, e.g. <c>OpenCV 4.13.0</c>.</summary>
    public abstract string Library { get; }

    public FrameSpec Frame { get; }

    public long MaxPixels { get; }

    /// <summary>Checks the header, then decodes and fits the image into <paramref name="rgb"/> (<see cref="FrameSpec.ByteLength"/> bytes).</summary>
    /// <exception cref="InferenceException">Code InvalidImage, naming what is wrong and, when the library refused it, this decoder.</exception>
    public void Decode(ReadOnlySpan<byte> data, Span<byte> rgb)
    {
        if (rgb.Length < Frame.ByteLength)
        {
            throw new ArgumentException($"The frame buffer holds {rgb.Length} bytes; {Frame.ByteLength} are needed.", nameof(rgb));
        }

        var header = ImageHeaderGate.Check(data, MaxPixels);
        DecodeChecked(data, header, rgb[..Frame.ByteLength]);
    }

    /// <summary>A mid-grey JPEG of the given size made with this decoder's library (the warm-up image).</summary>
    public abstract byte[] EncodeGreyJpeg(int width, int height);

    /// <summary>Decodes data that passed the gate, whose <paramref name="header"/> it read.</summary>
    protected abstract void DecodeChecked(ReadOnlySpan<byte> data, ImageHeader header, Span<byte> rgb);

    /// <summary>The refusal of this decoder's library, naming the decoder (the other decoder may read the image).</summary>
    protected InferenceException Refused(string what, Exception? inner = null) =>
        InferenceException.InvalidImage($"The {Name} decoder ({Library}, Model:ImageDecoder) {what}", inner);
}
