namespace EdgeInference.Onnx.Imaging;

/// <summary>The arithmetic both decoders share, so they fit an image to the frame identically.</summary>
public static class FrameGeometry
{
    /// <summary>
    /// The largest JPEG DCT reduction (8, 4, 2, else 1) that leaves the decoded image at least the frame's size on both
    /// axes: libjpeg then skips most of the decoding work.
    /// </summary>
    public static int JpegReduction(int width, int height, FrameSpec frame)
    {
        foreach (var factor in (ReadOnlySpan<int>)[8, 4, 2])
        {
            if (width / factor >= frame.Width && height / factor >= frame.Height)
            {
                return factor;
            }
        }

        return 1;
    }

    /// <summary>Centre crop: the size to scale to (covering the frame) before the centre is cut out.</summary>
    public static (int Width, int Height) CoverSize(int width, int height, FrameSpec frame)
    {
        var scale = Math.Max((double)frame.Width / width, (double)frame.Height / height);
        return (Math.Max(frame.Width, (int)Math.Ceiling(width * scale)), Math.Max(frame.Height, (int)Math.Ceiling(height * scale)));
    }

    /// <summary>Letterbox: the size to scale to (inside the frame); the rest is black padding around it.</summary>
    public static (int Width, int Height) FitSize(int width, int height, FrameSpec frame)
    {
        var scale = Math.Min((double)frame.Width / width, (double)frame.Height / height);
        return (Math.Clamp((int)Math.Round(width * scale), 1, frame.Width), Math.Clamp((int)Math.Round(height * scale), 1, frame.Height));
    }

    /// <summary>Where a <paramref name="inner"/>-sized area sits centred in <paramref name="outer"/>.</summary>
    public static (int Left, int Top) Centred((int Width, int Height) outer, (int Width, int Height) inner) =>
        ((outer.Width - inner.Width) / 2, (outer.Height - inner.Height) / 2);

    /// <summary>True when shrinking by 2× or more on both axes (area averaging avoids aliasing there).</summary>
    public static bool IsStrongShrink(int fromWidth, int fromHeight, int toWidth, int toHeight) =>
        toWidth * 2 <= fromWidth && toHeight * 2 <= fromHeight;
}
