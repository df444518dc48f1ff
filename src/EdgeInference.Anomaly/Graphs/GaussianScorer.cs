using Onnx;
using static EdgeInference.Anomaly.Graphs.OnnxBuild;

namespace EdgeInference.Anomaly.Graphs;

/// <summary>
/// PaDiM's distance: per grid position a Gaussian over a fixed random subset of the descriptor channels; each cell's
/// Mahalanobis distance <c>sqrt((x−μ)ᵀ Σ⁻¹ (x−μ))</c> to its own position's Gaussian, as one batched MatMul.
/// </summary>
/// <param name="channels">The descriptor channels kept (Gather indices).</param>
/// <param name="means">[cells, d] per-position means.</param>
/// <param name="inverseCovariances">[cells, d, d] per-position inverse covariances.</param>
public sealed class GaussianScorer(long[] channels, float[] means, float[] inverseCovariances, int cells) : IPatchScorer
{
    public string AppendTo(GraphProto graph, string cellRows)
    {
        var d = channels.Length;
        graph.Initializer.Add(Int64s("gauss_channels", channels));
        graph.Initializer.Add(Floats("gauss_mean", [cells, 1, d], means));
        graph.Initializer.Add(Floats("gauss_inverse_cov", [cells, d, d], inverseCovariances));
        graph.Initializer.Add(Int64s("gauss_rows_shape", cells, 1, d));
        graph.Initializer.Add(Int64s("gauss_sum_axes", 2));
        graph.Node.Add(Node("Gather", "gauss_pick", [cellRows, "gauss_channels"], ["gauss_picked"], Int("axis", 1)));
        graph.Node.Add(Node("Reshape", "gauss_rows", ["gauss_picked", "gauss_rows_shape"], ["gauss_rows"]));
        graph.Node.Add(Node("Sub", "gauss_diff", ["gauss_rows", "gauss_mean"], ["gauss_diff"]));
        graph.Node.Add(Node("MatMul", "gauss_whiten", ["gauss_diff", "gauss_inverse_cov"], ["gauss_whitened"]));
        graph.Node.Add(Node("Mul", "gauss_product", ["gauss_whitened", "gauss_diff"], ["gauss_product"]));
        graph.Node.Add(Node("ReduceSum", "gauss_sum", ["gauss_product", "gauss_sum_axes"], ["gauss_sum"], Int("keepdims", 0)));
        graph.Node.Add(Node("Relu", "gauss_clamped", ["gauss_sum"], ["gauss_clamped"]));
        graph.Node.Add(Node("Sqrt", "gauss_dist", ["gauss_clamped"], ["gauss_dist"]));
        return "gauss_dist";
    }
}
