using EdgeInference.Core.Results;

namespace EdgeInference.Onnx.Processing;

/// <summary>
/// Image score and/or per-pixel map → Lookout-for-Vision-shaped DetectAnomalyResult: verdict, confidence,
/// covered area per class, and the mask as a base64 PNG (model resolution; anomaly red on black).
/// </summary>
public static class AnomalyPostprocessor
{
    public const string AnomalyName = "anomaly";
    public const string BackgroundName = "background";
    public const string AnomalyColor = "#FF0000";
    public const string BackgroundColor = "#000000";

    /// <param name="score">The model's image score, or null to take the map's maximum.</param>
    /// <param name="map">The per-pixel map (row-major, <paramref name="mapHeight"/> × <paramref name="mapWidth"/>), or empty.</param>
    public static DetectAnomalyResult Build(float? score, ReadOnlySpan<float> map, int mapWidth, int mapHeight, float threshold, float pixelThreshold)
    {
        var hasMap = !map.IsEmpty && mapWidth > 0 && mapHeight > 0;
        var imageScore = score ?? (hasMap ? Max(map) : 0f);
        var isAnomalous = imageScore >= threshold;
        IReadOnlyList<Anomaly>? anomalies = null;
        string? mask = null;
        if (hasMap)
        {
            var (area, png) = Mask(map, mapWidth, mapHeight, pixelThreshold);
            mask = Convert.ToBase64String(png);
            anomalies =
            [
                new Anomaly { Name = BackgroundName, PixelAnomaly = new PixelAnomaly { TotalPercentageArea = 1f - area, Color = BackgroundColor } },
                new Anomaly { Name = AnomalyName, PixelAnomaly = new PixelAnomaly { TotalPercentageArea = area, Color = AnomalyColor } },
            ];
        }

        return new DetectAnomalyResult
        {
            IsAnomalous = isAnomalous,
            Confidence = Confidence(imageScore, threshold),
            AnomalyScore = imageScore,
            AnomalyThreshold = threshold,
            Anomalies = anomalies,
            AnomalyMask = mask,
        };
    }

    /// <summary>How far the score is from the threshold, towards the end of the scale it lies on: 0.5 at the threshold, 1 at 0 or 1.</summary>
    public static float Confidence(float score, float threshold)
    {
        var span = score >= threshold ? Math.Max(1f - threshold, 1e-6f) : Math.Max(threshold, 1e-6f);
        return Math.Clamp(0.5f + (Math.Abs(score - threshold) / (2f * span)), 0.5f, 1f);
    }

    private static float Max(ReadOnlySpan<float> values)
    {
        var max = float.NegativeInfinity;
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }

        return max;
    }

    private static (float Area, byte[] Png) Mask(ReadOnlySpan<float> map, int width, int height, float pixelThreshold)
    {
        var rgb = new byte[width * height * 3];
        var anomalous = 0;
        for (var i = 0; i < width * height; i++)
        {
            if (map[i] >= pixelThreshold)
            {
                rgb[i * 3] = 255;
                anomalous++;
            }
        }

        return ((float)anomalous / (width * height), PngWriter.EncodeRgb(rgb, width, height));
    }
}
