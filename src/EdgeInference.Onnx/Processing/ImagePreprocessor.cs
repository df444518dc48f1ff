using EdgeInference.Core.Manifest;

namespace EdgeInference.Onnx.Processing;

/// <summary>
/// Turns the decoder's frame (packed 8-bit RGB at the model's input size) into the model's input tensor: colour order,
/// layout, and per-channel <c>(pixel × Scale − Mean) / Std</c> through a 256-entry table per channel.
/// </summary>
public sealed class ImagePreprocessor
{
    private readonly ModelInputSpec _spec;
    private readonly float[][] _lookup;

    public ImagePreprocessor(ModelInputSpec spec)
    {
        _spec = spec;
        _lookup = new float[3][];
        for (var channel = 0; channel < 3; channel++)
        {
            var mean = spec.Mean?[channel] ?? 0f;
            var std = spec.Std?[channel] ?? 1f;
            _lookup[channel] = new float[256];
            for (var value = 0; value < 256; value++)
            {
                _lookup[channel][value] = ((value * spec.EffectiveScale) - mean) / std;
            }
        }
    }

    public int TensorLength => 3 * _spec.Width * _spec.Height;

    /// <summary>Bytes of the RGB frame <see cref="Fill"/> reads.</summary>
    public int FrameLength => TensorLength;

    public int Width => _spec.Width;

    public int Height => _spec.Height;

    public long[] TensorShape => _spec.Layout == TensorLayout.NCHW
        ? [1, 3, _spec.Height, _spec.Width]
        : [1, _spec.Height, _spec.Width, 3];

    /// <summary>Writes the tensor for <paramref name="rgb"/> (Width × Height × 3 bytes, RGB) into <paramref name="tensor"/>.</summary>
    public void Fill(ReadOnlySpan<byte> rgb, Span<float> tensor)
    {
        if (tensor.Length < TensorLength)
        {
            throw new ArgumentException($"The tensor buffer holds {tensor.Length} floats; {TensorLength} are needed.", nameof(tensor));
        }

        if (rgb.Length < FrameLength)
        {
            throw new ArgumentException($"The frame holds {rgb.Length} bytes; {FrameLength} are needed.", nameof(rgb));
        }

        var plane = _spec.Width * _spec.Height;
        // Map each model channel to its source byte in the RGB frame.
        var bgr = _spec.ColorOrder == ColorOrder.BGR;
        var source0 = bgr ? 2 : 0;
        var source2 = bgr ? 0 : 2;
        var lookup0 = _lookup[0];
        var lookup1 = _lookup[1];
        var lookup2 = _lookup[2];
        if (_spec.Layout == TensorLayout.NCHW)
        {
            for (var index = 0; index < plane; index++)
            {
                var pixel = rgb.Slice(index * 3, 3);
                tensor[index] = lookup0[pixel[source0]];
                tensor[plane + index] = lookup1[pixel[1]];
                tensor[(2 * plane) + index] = lookup2[pixel[source2]];
            }
        }
        else
        {
            for (var index = 0; index < plane; index++)
            {
                var offset = index * 3;
                tensor[offset] = lookup0[rgb[offset + source0]];
                tensor[offset + 1] = lookup1[rgb[offset + 1]];
                tensor[offset + 2] = lookup2[rgb[offset + source2]];
            }
        }
    }
}
