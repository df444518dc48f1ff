using EdgeInference.Packaging;
using OpenCvSharp;

namespace EdgeInference.LookoutVision.Datasets;

/// <summary>Turns a Ground Truth colour mask into a binary mask (255 where a non-background class is painted), checking every colour.</summary>
public static class MaskReader
{
    /// <exception cref="PackagingValidationException">Undecodable, of another size than its image, or a colour outside the colour map.</exception>
    public static unsafe Mat ToBinary(byte[] maskBytes, IReadOnlyDictionary<string, bool> colors, int imageWidth, int imageHeight, string where)
    {
        using var mask = Cv2.ImDecode(maskBytes, ImreadModes.Color);
        if (mask.Empty())
        {
            throw new PackagingValidationException($"{where}: the mask cannot be decoded as an image.");
        }

        var (width, height) = (mask.Cols, mask.Rows);
        if (width != imageWidth || height != imageHeight)
        {
            throw new PackagingValidationException($"{where}: the mask is {width}×{height} but its image is {imageWidth}×{imageHeight}.");
        }

        var lookup = colors.ToDictionary(kv => Convert.ToInt32(kv.Key[1..], 16), kv => kv.Value);
        var binary = new Mat(height, width, MatType.CV_8UC1, Scalar.All(0));
        for (var y = 0; y < height; y++)
        {
            var row = (byte*)mask.Ptr(y);
            var output = (byte*)binary.Ptr(y);
            for (var x = 0; x < width; x++)
            {
                var rgb = (row[(x * 3) + 2] << 16) | (row[(x * 3) + 1] << 8) | row[x * 3];
                if (!lookup.TryGetValue(rgb, out var anomalous))
                {
                    binary.Dispose();
                    throw new PackagingValidationException($"{where}: pixel ({x}, {y}) of the mask has colour #{rgb:x6}, which is not in its internal-color-map ({string.Join(", ", colors.Keys)}).");
                }

                output[x] = anomalous ? (byte)255 : (byte)0;
            }
        }

        return binary;
    }
}
