using EdgeInference.Core.Inference;

namespace EdgeInference.Anomaly.Evaluation;

/// <summary>Per-image cost of two engines measured side by side: the same images, alternating, after a warm-up.</summary>
public static class InferenceSpeed
{
    public static SpeedComparison Compare(IInferenceEngine model, IInferenceEngine baseline, IReadOnlyList<byte[]> images, int rounds, CancellationToken cancellationToken = default)
    {
        var modelTotal = new List<double>();
        var modelRun = new List<double>();
        var baseTotal = new List<double>();
        var baseRun = new List<double>();
        model.Infer(images[0], cancellationToken);
        baseline.Infer(images[0], cancellationToken);
        for (var round = 0; round < rounds; round++)
        {
            foreach (var image in images)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var b = baseline.Infer(image, cancellationToken).Timings;
                baseTotal.Add(b.TotalMs);
                baseRun.Add(b.InferenceMs);
                var m = model.Infer(image, cancellationToken).Timings;
                modelTotal.Add(m.TotalMs);
                modelRun.Add(m.InferenceMs);
            }
        }

        return new SpeedComparison(modelTotal.Count, Median(modelRun), Median(modelTotal), Median(baseRun), Median(baseTotal));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? 0 : Math.Round(values[values.Count / 2], 2);
    }
}

/// <summary>Medians in ms: session run only and the whole request (decode + preprocess + run + post-processing).</summary>
public sealed record SpeedComparison(int Images, double ModelInferenceMs, double ModelTotalMs, double EmbeddingInferenceMs, double EmbeddingTotalMs)
{
    public double InferenceRatio => EmbeddingInferenceMs <= 0 ? 0 : Math.Round(ModelInferenceMs / EmbeddingInferenceMs, 2);

    public double TotalRatio => EmbeddingTotalMs <= 0 ? 0 : Math.Round(ModelTotalMs / EmbeddingTotalMs, 2);
}
