using EdgeInference.Anomaly.Evaluation;
using EdgeInference.Anomaly.Graphs;

namespace EdgeInference.Anomaly.Training;

/// <summary>How the raw threshold was chosen, and the normalisation derived from it.</summary>
public sealed record CalibrationResult
{
    /// <summary><see cref="F1Optimal"/> or <see cref="NormalPercentile"/>.</summary>
    public required string Method { get; init; }

    public required ScoreNormalization Normalization { get; init; }

    /// <summary>F1 on the calibration images at the chosen threshold (F1-optimal only).</summary>
    public double? CalibrationF1 { get; init; }

    public required int NormalImages { get; init; }

    public required int AnomalousImages { get; init; }

    public const string F1Optimal = "f1-optimal";
    public const string NormalPercentile = "normal-percentile-99";
}

/// <summary>
/// Chooses the raw image-score threshold on held-out images: the F1-optimal one when anomalous images are labelled
/// (the middle of the best plateau), else the 99th percentile of the normal scores. The normalisation scale puts the
/// median normal score at 0.05 (confidence 0.95): <c>scale = (threshold − median) / ln 19</c>.
/// </summary>
public static class ThresholdCalibrator
{
    public const double Percentile = 0.99;
    private static readonly float LogNineteen = MathF.Log(19f);

    public static CalibrationResult Calibrate(IReadOnlyList<float> normalScores, IReadOnlyList<float> anomalyScores)
    {
        if (normalScores.Count == 0)
        {
            throw new AnomalyDataException("Calibration needs at least one held-out normal image.");
        }

        float threshold;
        double? f1 = null;
        string method;
        if (anomalyScores.Count > 0)
        {
            (threshold, f1) = BestF1(normalScores, anomalyScores);
            method = CalibrationResult.F1Optimal;
        }
        else
        {
            threshold = Quantile(normalScores, Percentile);
            method = CalibrationResult.NormalPercentile;
        }

        var median = Quantile(normalScores, 0.5);
        var scale = (threshold - median) / LogNineteen;
        if (!(scale > 1e-6f))
        {
            // Normals straddle the threshold: use their spread instead, so the mapping stays usable.
            var mean = normalScores.Average();
            var spread = MathF.Sqrt(normalScores.Sum(s => (s - mean) * (s - mean)) / normalScores.Count);
            scale = Math.Max(Math.Max(spread, Math.Abs(threshold) * 0.05f), 1e-6f);
        }

        return new CalibrationResult
        {
            Method = method,
            Normalization = new ScoreNormalization(threshold, scale),
            CalibrationF1 = f1,
            NormalImages = normalScores.Count,
            AnomalousImages = anomalyScores.Count,
        };
    }

    private static (float Threshold, double F1) BestF1(IReadOnlyList<float> normals, IReadOnlyList<float> anomalies)
    {
        var scores = normals.Concat(anomalies).ToArray();
        var labels = normals.Select(_ => false).Concat(anomalies.Select(_ => true)).ToArray();
        var distinct = scores.Distinct().OrderBy(s => s).ToArray();
        // Candidates: midway between neighbouring scores, and just above the top one.
        var candidates = new List<float>();
        for (var i = 0; i + 1 < distinct.Length; i++)
        {
            candidates.Add((distinct[i] + distinct[i + 1]) / 2f);
        }

        candidates.Add(distinct[^1] + (Math.Abs(distinct[^1]) * 1e-3f) + 1e-6f);
        var f1s = candidates.Select(t => RankMetrics.AtThreshold(scores, labels, t).F1).ToArray();
        var best = f1s.Max();
        // The longest run of best-F1 candidates; its middle is the threshold farthest from both classes.
        int runStart = -1, runLength = 0, bestStart = 0, bestLength = 0;
        for (var i = 0; i < f1s.Length; i++)
        {
            if (f1s[i] >= best - 1e-12)
            {
                if (runLength == 0)
                {
                    runStart = i;
                }

                runLength++;
                if (runLength > bestLength)
                {
                    (bestStart, bestLength) = (runStart, runLength);
                }
            }
            else
            {
                runLength = 0;
            }
        }

        var low = candidates[bestStart];
        var high = candidates[bestStart + bestLength - 1];
        return ((low + high) / 2f, best);
    }

    /// <summary>Linear-interpolation quantile (as numpy's default).</summary>
    public static float Quantile(IReadOnlyList<float> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return (float)(sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower])));
    }
}
