using EdgeInference.Core.Results;

namespace EdgeInference.Onnx.Processing;

/// <summary>Class scores → the top-k labels with confidences (softmax first for logits).</summary>
public static class ClassificationPostprocessor
{
    public const int DefaultTopK = 5;

    public static IReadOnlyList<Classification> TopK(ReadOnlySpan<float> scores, IReadOnlyList<string> labels, int topK, bool applySoftmax)
    {
        var values = scores.ToArray();
        if (applySoftmax)
        {
            Softmax(values);
        }

        var count = Math.Min(Math.Min(topK, values.Length), labels.Count);
        var order = Enumerable.Range(0, Math.Min(values.Length, labels.Count))
            .OrderByDescending(i => values[i])
            .ThenBy(i => i)
            .Take(count);
        return order.Select(i => new Classification { Label = labels[i], Confidence = values[i] }).ToArray();
    }

    public static void Softmax(Span<float> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        var max = float.NegativeInfinity;
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }

        var sum = 0f;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Exp(values[i] - max);
            sum += values[i];
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] /= sum;
        }
    }
}
