using EdgeInference.Anomaly.Graphs;
using EdgeInference.Anomaly.Training;

namespace EdgeInference.Anomaly.Evaluation;

/// <summary>Scores labelled images with a scoring session (image score + map) and measures the result.</summary>
public static class AnomalyEvaluator
{
    /// <param name="mapSize">The side of the square map the session outputs.</param>
    /// <param name="progress">Reports (done, total).</param>
    public static EvaluationReport Evaluate(
        GraphSession session, IReadOnlyList<LabeledImage> images, float threshold, int mapSize,
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
            var map = outputs[1];
            bool[]? truth = image.Mask?.Resize(mapSize) ?? (image.IsAnomalous ? null : new bool[mapSize * mapSize]);
            if (truth is not null)
            {
                masked += image.Mask is null ? 0 : 1;
                pixelScores.AddRange(map);
                pixelLabels.AddRange(truth);
            }

            results.Add(new ImageEvaluation(image.Source, image.IsAnomalous, score, score >= threshold,
                image.Mask is null ? null : RankMetrics.Auroc(map, truth!)));
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
