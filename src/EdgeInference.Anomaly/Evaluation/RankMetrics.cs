namespace EdgeInference.Anomaly.Evaluation;

/// <summary>Threshold-free and thresholded measures of a score that should be higher for anomalies.</summary>
public static class RankMetrics
{
    /// <summary>Area under the ROC curve (Mann–Whitney U with ties counted half); null without both classes.</summary>
    public static double? Auroc(IReadOnlyList<float> scores, IReadOnlyList<bool> positives)
    {
        var keys = scores.ToArray();
        var labels = positives.ToArray();
        Array.Sort(keys, labels);
        long positiveCount = labels.Count(p => p);
        long negativeCount = labels.Length - positiveCount;
        if (positiveCount == 0 || negativeCount == 0)
        {
            return null;
        }

        // Sum of the positives' ranks, tied scores sharing their average rank.
        double rankSum = 0;
        var i = 0;
        while (i < keys.Length)
        {
            var j = i;
            var tiedPositives = labels[i] ? 1 : 0;
            while (j + 1 < keys.Length && keys[j + 1] == keys[i])
            {
                j++;
                tiedPositives += labels[j] ? 1 : 0;
            }

            rankSum += tiedPositives * (((i + j) / 2.0) + 1);
            i = j + 1;
        }

        return (rankSum - (positiveCount * (positiveCount + 1) / 2.0)) / (positiveCount * (double)negativeCount);
    }

    /// <summary>Precision, recall and F1 of "score ≥ threshold means anomalous".</summary>
    public static BinaryScores AtThreshold(IReadOnlyList<float> scores, IReadOnlyList<bool> positives, float threshold)
    {
        int truePositives = 0, falsePositives = 0, falseNegatives = 0, trueNegatives = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            var predicted = scores[i] >= threshold;
            (truePositives, falsePositives, falseNegatives, trueNegatives) = (predicted, positives[i]) switch
            {
                (true, true) => (truePositives + 1, falsePositives, falseNegatives, trueNegatives),
                (true, false) => (truePositives, falsePositives + 1, falseNegatives, trueNegatives),
                (false, true) => (truePositives, falsePositives, falseNegatives + 1, trueNegatives),
                _ => (truePositives, falsePositives, falseNegatives, trueNegatives + 1),
            };
        }

        return new BinaryScores(truePositives, falsePositives, falseNegatives, trueNegatives);
    }
}

/// <summary>Counts at one threshold and the measures Lookout for Vision reports (Performance: F1Score, Recall, Precision).</summary>
public sealed record BinaryScores(int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? (FalseNegatives == 0 ? 1 : 0) : TruePositives / (double)(TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? 1 : TruePositives / (double)(TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}
