using EdgeInference.Onnx.Processing;
using Xunit;

namespace EdgeInference.Onnx.Tests.Processing;

public sealed class ClassificationPostprocessorTests
{
    private static readonly string[] Labels = ["cat", "dog", "bird", "fish", "frog"];

    [Fact]
    public void TopK_Probabilities_AreInDescendingOrder()
    {
        var result = ClassificationPostprocessor.TopK([0.1f, 0.4f, 0.05f, 0.3f, 0.15f], Labels, 3, applySoftmax: false);

        Assert.Equal(["dog", "fish", "frog"], result.Select(c => c.Label));
        Assert.Equal([0.4f, 0.3f, 0.15f], result.Select(c => c.Confidence));
    }

    [Fact]
    public void TopK_Ties_KeepTheLowerClassIndexFirst()
    {
        var result = ClassificationPostprocessor.TopK([0.2f, 0.3f, 0.2f, 0.3f, 0f], Labels, 4, applySoftmax: false);

        Assert.Equal(["dog", "fish", "cat", "bird"], result.Select(c => c.Label));
    }

    [Fact]
    public void TopK_KLargerThanClasses_ReturnsEveryClass()
    {
        var result = ClassificationPostprocessor.TopK([0.5f, 0.2f, 0.3f], Labels[..3], 10, applySoftmax: false);

        Assert.Equal(["cat", "bird", "dog"], result.Select(c => c.Label));
    }

    [Fact]
    public void TopK_FewerLabelsThanScores_NeverIndexesPastTheLabels()
    {
        var result = ClassificationPostprocessor.TopK([0.1f, 0.2f, 0.9f], Labels[..2], 5, applySoftmax: false);

        Assert.Equal(["dog", "cat"], result.Select(c => c.Label));
    }

    [Fact]
    public void TopK_Logits_AreSoftmaxedIntoProbabilitiesSummingToOne()
    {
        float[] logits = [2f, 1f, 0.1f, -1f, 3f];

        var result = ClassificationPostprocessor.TopK(logits, Labels, 5, applySoftmax: true);

        var expected = logits.Select(l => Math.Exp(l)).ToArray();
        var sum = expected.Sum();
        Assert.Equal(["frog", "cat", "dog", "bird", "fish"], result.Select(c => c.Label));
        Assert.Equal(1.0, result.Sum(c => (double)c.Confidence), 5);
        Assert.Equal(expected[4] / sum, result[0].Confidence, 5);
        Assert.Equal(expected[3] / sum, result[4].Confidence, 5);
    }

    [Fact]
    public void TopK_WithoutSoftmax_LeavesTheScoresAsGiven()
    {
        var result = ClassificationPostprocessor.TopK([5f, -2f], Labels[..2], 2, applySoftmax: false);

        Assert.Equal([5f, -2f], result.Select(c => c.Confidence));
    }

    [Fact]
    public void TopK_DoesNotChangeTheCallersScores()
    {
        float[] scores = [1f, 2f, 3f];

        ClassificationPostprocessor.TopK(scores, Labels[..3], 3, applySoftmax: true);

        Assert.Equal([1f, 2f, 3f], scores);
    }

    [Fact]
    public void Softmax_LargeLogits_DoesNotOverflow()
    {
        float[] values = [1000f, 1001f, 999f];

        ClassificationPostprocessor.Softmax(values);

        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1f, values.Sum(), 5);
        Assert.True(values[1] > values[0] && values[0] > values[2]);
    }

    [Fact]
    public void Softmax_EqualLogits_AreUniform()
    {
        float[] values = [3f, 3f, 3f, 3f];

        ClassificationPostprocessor.Softmax(values);

        Assert.All(values, v => Assert.Equal(0.25f, v, 6));
    }

    [Fact]
    public void Softmax_Empty_IsANoOp()
    {
        ClassificationPostprocessor.Softmax([]);
    }
}
