using EdgeInference.Anomaly.Backbone;
using Onnx;
using static EdgeInference.Anomaly.Graphs.OnnxBuild;

namespace EdgeInference.Anomaly.Graphs;

/// <summary>
/// The whole scoring path as one ONNX graph: backbone features (<see cref="FeatureGraph"/>) → per-cell anomaly distance
/// (<see cref="IPatchScorer"/>: nearest memory-bank neighbour, or a per-position Gaussian) → 28×28 patch map upsampled
/// bilinearly to 224×224 → Gaussian blur (σ = <see cref="BlurSigma"/>, reflect-padded, separable) → optional
/// normalisation → image score = the map's maximum. Outputs <see cref="ScoreOutput"/> [1] and <see cref="MapOutput"/> [1,1,224,224].
/// </summary>
public static class ScoringGraph
{
    public const string ScoreOutput = "anomaly_score";
    public const string MapOutput = "anomaly_map";
    public const float BlurSigma = 4f;
    private const int MapSize = ResNet18Backbone.InputSize;

    public static ModelProto Build(string backbonePath, IPatchScorer scorer, ScoreNormalization? normalization)
    {
        var model = FeatureGraph.Build(backbonePath);
        var graph = model.Graph;
        const int Cells = FeatureGraph.Grid * FeatureGraph.Grid;
        graph.Node.Add(Node("Transpose", "cells_nhwc", [FeatureGraph.FeaturesOutput], ["cells_nhwc"], Ints("perm", 0, 2, 3, 1)));
        graph.Initializer.Add(Int64s("cells_shape", Cells, FeatureGraph.Channels));
        graph.Node.Add(Node("Reshape", "cells", ["cells_nhwc", "cells_shape"], ["cells"]));

        var distances = scorer.AppendTo(graph, "cells");
        AppendMapHead(graph, distances, normalization);
        return model;
    }

    /// <summary>
    /// Only the map head (patch distances [cells, 1] → map and score), for scoring distances computed outside the graph
    /// (the leave-one-image-out scores of the memory images) exactly as the full graph scores them.
    /// </summary>
    public const string DistancesInput = "patch_distances";

    public static ModelProto BuildHead()
    {
        var model = new ModelProto
        {
            IrVersion = 7,
            ProducerName = "edge-inference",
            Graph = new GraphProto { Name = "anomaly-map-head" },
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = FeatureGraph.OpsetVersion });
        model.Graph.Input.Add(FloatValue(DistancesInput, FeatureGraph.Grid * FeatureGraph.Grid, 1));
        AppendMapHead(model.Graph, DistancesInput, normalization: null);
        return model;
    }

    private static void AppendMapHead(GraphProto graph, string distances, ScoreNormalization? normalization)
    {
        graph.Initializer.Add(Int64s("patch_map_shape", 1, 1, FeatureGraph.Grid, FeatureGraph.Grid));
        graph.Node.Add(Node("Reshape", "patch_map", [distances, "patch_map_shape"], ["patch_map"]));
        graph.Initializer.Add(Int64s("map_size", 1, 1, MapSize, MapSize));
        graph.Node.Add(Node("Resize", "map_up", ["patch_map", string.Empty, string.Empty, "map_size"], ["map_up"], Text("mode", "linear"), Text("coordinate_transformation_mode", "half_pixel")));
        var blurred = AppendBlur(graph, "map_up");

        if (normalization is not null)
        {
            graph.Initializer.Add(Floats("norm_threshold", [], [normalization.Threshold]));
            graph.Initializer.Add(Floats("norm_inverse_scale", [], [1f / normalization.Scale]));
            graph.Node.Add(Node("Sub", "norm_centre", [blurred, "norm_threshold"], ["norm_centred"]));
            graph.Node.Add(Node("Mul", "norm_scale", ["norm_centred", "norm_inverse_scale"], ["norm_scaled"]));
            graph.Node.Add(Node("Sigmoid", "norm_sigmoid", ["norm_scaled"], [MapOutput]));
        }
        else
        {
            graph.Node.Add(Node("Identity", "map_out", [blurred], [MapOutput]));
        }

        graph.Node.Add(Node("ReduceMax", "image_score", [MapOutput], [ScoreOutput], Ints("axes", 1, 2, 3), Int("keepdims", 0)));
        graph.Output.Clear();
        graph.Output.Add(FloatValue(ScoreOutput, 1));
        graph.Output.Add(FloatValue(MapOutput, 1, 1, MapSize, MapSize));
    }

    /// <summary>Separable Gaussian blur with reflect padding (no darkened border).</summary>
    private static string AppendBlur(GraphProto graph, string input)
    {
        var radius = (int)MathF.Ceiling(4 * BlurSigma);
        var size = (2 * radius) + 1;
        var kernel = new float[size];
        var sum = 0f;
        for (var i = 0; i < size; i++)
        {
            var x = i - radius;
            kernel[i] = MathF.Exp(-(x * x) / (2 * BlurSigma * BlurSigma));
            sum += kernel[i];
        }

        for (var i = 0; i < size; i++)
        {
            kernel[i] /= sum;
        }

        graph.Initializer.Add(Int64s("blur_pads", 0, 0, radius, radius, 0, 0, radius, radius));
        graph.Node.Add(Node("Pad", "blur_pad", [input, "blur_pads"], ["blur_padded"], Text("mode", "reflect")));
        graph.Initializer.Add(Floats("blur_kernel_x", [1, 1, 1, size], kernel));
        graph.Initializer.Add(Floats("blur_kernel_y", [1, 1, size, 1], kernel));
        graph.Node.Add(Node("Conv", "blur_x", ["blur_padded", "blur_kernel_x"], ["blur_x"], Ints("kernel_shape", 1, size)));
        graph.Node.Add(Node("Conv", "blur_y", ["blur_x", "blur_kernel_y"], ["map_blurred"], Ints("kernel_shape", size, 1)));
        return "map_blurred";
    }
}

/// <summary>Appends nodes turning the cell descriptors [cells, C] into one anomaly distance per cell [cells, 1].</summary>
public interface IPatchScorer
{
    /// <returns>The name of the [cells, 1] distance value.</returns>
    string AppendTo(GraphProto graph, string cells);
}
