using EdgeInference.Anomaly.Graphs;
using EdgeInference.Anomaly.Training;

namespace EdgeInference.Anomaly.Evaluation;

/// <summary>Scores labelled images with a scoring session (image score + map) and measures the result.</summary>
public static class AnomalyEvaluator
{
    /// <param name="session">Outputs the image score first and, optionally, a square map [1,1,S,S] second.</param>
    /// <param name="progress">Reports (done, total).</param>
    public static EvaluationReport Evaluate(
        GraphSession session, IReadOnlyList<LabeledImage> images, float threshold,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        var results = new List<ImageEvaluation>(images.Count);
        var pixelScores = new List<float>();
        var pixelLabels = new List<bool>();
        var masked = 0;
        foreach (var image in images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var outputs = session.Run(image.Load(), image.Source);
            var score = outputs[0][0];
            var map = outputs.Length > 1 ? outputs[1] : [];
            var mapSize = (int)Math.Sqrt(map.Length);
            bool[]? truth = mapSize == 0 || mapSize * mapSize != map.Length
                ? null
                : image.Mask?.Resize(mapSize) ?? (image.IsAnomalous ? null : new bool[mapSize * mapSize]);
            if (truth is not null)
            {
                masked += image.Mask is null ? 0 : 1;
                // Pixel scores are kept only where some image has a mask (the metric is null otherwise).
                pixelScores.AddRange(map);
                pixelLabels.AddRange(truth);
            }

            results.Add(new ImageEvaluation(image.Source, image.IsAnomalous, score, score >= threshold,
                image.Mask is null || truth is null ? null : RankMetrics.Auroc(map, truth)));
            progress?.Report((results.Count, images.Count));
        }

        var scores = results.Select(r => r.Score).ToArray();
        var labels = results.Select(r => r.IsAnomalous).ToArray();
        return new EvaluationReport
        {
            Images = results,
            Threshold = threshold,
            ImageAuroc = RankMetrics.Auroc(scores, labels),
            AtThreshold = RankMetrics.AtThreshold(scores, labels, threshold),
            PixelAuroc = masked > 0 ? RankMetrics.Auroc(pixelScores, pixelLabels) : null,
            ImagesWithMasks = masked,
        };
    }
}
