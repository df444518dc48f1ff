namespace EdgeInference.Anomaly.Training;

/// <summary>One labelled image: where it came from (named in messages), its label, its bytes and, optionally, its ground-truth mask.</summary>
public sealed record LabeledImage(string Source, bool IsAnomalous, Func<byte[]> Load, BinaryMask? Mask = null);

/// <summary>A ground-truth mask at its image's size: true where the image is anomalous.</summary>
public sealed record BinaryMask(int Width, int Height, bool[] Pixels)
{
    /// <summary>Resamples (nearest) to <paramref name="size"/>², stretched like the image itself.</summary>
    public bool[] Resize(int size)
    {
        var result = new bool[size * size];
        for (var y = 0; y < size; y++)
        {
            var sourceY = Math.Min(Height - 1, (int)((y + 0.5) * Height / size));
            for (var x = 0; x < size; x++)
            {
                var sourceX = Math.Min(Width - 1, (int)((x + 0.5) * Width / size));
                result[(y * size) + x] = Pixels[(sourceY * Width) + sourceX];
            }
        }

        return result;
    }
}
