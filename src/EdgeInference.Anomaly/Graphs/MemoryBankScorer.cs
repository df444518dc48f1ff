using Onnx;
using static EdgeInference.Anomaly.Graphs.OnnxBuild;

namespace EdgeInference.Anomaly.Graphs;

/// <summary>
/// PatchCore's distance: each cell's Euclidean distance to its nearest memory-bank descriptor, computed as
/// <c>sqrt(max(0, |x|² − 2·x·Mᵀ + |m|²))</c> with one MatMul and a ReduceMin (no per-cell loop).
/// </summary>
public sealed class MemoryBankScorer(float[] bank, int count, int channels) : IPatchScorer
{
    public int Count => count;

    public string AppendTo(GraphProto graph, string cells)
    {
        var transposedScaled = new float[channels * count];
        var squaredNorms = new float[count];
        for (var m = 0; m < count; m++)
        {
            var norm = 0f;
            for (var c = 0; c < channels; c++)
            {
                var v = bank[(m * channels) + c];
                transposedScaled[(c * count) + m] = -2f * v;
                norm += v * v;
            }

            squaredNorms[m] = norm;
        }

        graph.Initializer.Add(Floats("bank_t_neg2", [channels, count], transposedScaled));
        graph.Initializer.Add(Floats("bank_sq", [1, count], squaredNorms));
        graph.Node.Add(Node("ReduceSumSquare", "cells_sq", [cells], ["cells_sq"], Ints("axes", 1), Int("keepdims", 1)));
        graph.Node.Add(Node("MatMul", "cross", [cells, "bank_t_neg2"], ["cross"]));
        graph.Node.Add(Node("Add", "partial_dist", ["cross", "bank_sq"], ["partial_dist"]));
        graph.Node.Add(Node("ReduceMin", "nearest", ["partial_dist"], ["nearest_partial"], Ints("axes", 1), Int("keepdims", 1)));
        graph.Node.Add(Node("Add", "nearest_sq", ["nearest_partial", "cells_sq"], ["nearest_sq"]));
        graph.Node.Add(Node("Relu", "nearest_clamped", ["nearest_sq"], ["nearest_clamped"]));
        graph.Node.Add(Node("Sqrt", "nearest_dist", ["nearest_clamped"], ["nearest_dist"]));
        return "nearest_dist";
    }
}
