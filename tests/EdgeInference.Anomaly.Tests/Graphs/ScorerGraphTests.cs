using EdgeInference.Anomaly.Graphs;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using Xunit;
using static EdgeInference.Anomaly.Graphs.OnnxBuild;

namespace EdgeInference.Anomaly.Tests.Graphs;

/// <summary>The distance heads as ONNX graphs agree with the same distances computed directly.</summary>
public sealed class ScorerGraphTests
{
    [Fact]
    public void MemoryBankScorer_RandomCells_EqualsBruteForceNearestNeighbour()
    {
        const int Cells = 50, Channels = 6, Bank = 17;
        var random = new Random(5);
        var cells = Enumerable.Range(0, Cells * Channels).Select(_ => (float)random.NextDouble() * 4).ToArray();
        var bank = Enumerable.Range(0, Bank * Channels).Select(_ => (float)random.NextDouble() * 4).ToArray();

        var distances = Run(new MemoryBankScorer(bank, Bank, Channels), cells, Cells, Channels);

        for (var c = 0; c < Cells; c++)
        {
            var best = Enumerable.Range(0, Bank).Min(m => Enumerable.Range(0, Channels).Sum(k => Math.Pow(cells[(c * Channels) + k] - bank[(m * Channels) + k], 2)));
            Assert.Equal(Math.Sqrt(best), distances[c], 3);
        }
    }

    [Fact]
    public void GaussianScorer_TwoPositions_EqualsMahalanobisDistance()
    {
        // Channels 0 and 2 of 3 are kept; position 0 has unit covariance, position 1 a diagonal one (4, 0.25).
        long[] kept = [0, 2];
        float[] means = [1, 1, /* position 1 */ 0, 2];
        float[] inverse = [1, 0, 0, 1, /* position 1 */ 0.25f, 0, 0, 4];
        float[] cells = [4, 99, 5, /* position 1 */ 2, -7, 3];

        var distances = Run(new GaussianScorer(kept, means, inverse, cells: 2), cells, 2, 3);

        Assert.Equal(5.0, distances[0], 4); // sqrt(3² + 4²)
        Assert.Equal(Math.Sqrt((4 * 0.25) + (1 * 4)), distances[1], 4);
    }

    private static float[] Run(IPatchScorer scorer, float[] cells, int count, int channels)
    {
        var model = new ModelProto { IrVersion = 7, Graph = new GraphProto { Name = "test" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = FeatureGraph.OpsetVersion });
        model.Graph.Input.Add(FloatValue("cells", count, channels));
        var output = scorer.AppendTo(model.Graph, "cells");
        model.Graph.Output.Add(FloatValue(output, count, 1));
        using var session = new InferenceSession(model.ToByteArray());
        using var input = OrtValue.CreateTensorValueFromMemory(cells, [count, channels]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["cells"], [input], [output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
