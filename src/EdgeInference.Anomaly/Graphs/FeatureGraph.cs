using EdgeInference.Anomaly.Backbone;
using Onnx;
using static EdgeInference.Anomaly.Graphs.OnnxBuild;

namespace EdgeInference.Anomaly.Graphs;

/// <summary>
/// The backbone cut after its stride-16 stage, with PatchCore's local aggregation: each stage's map is averaged over a
/// 3×3 neighbourhood, the stride-16 map is upsampled (bilinear) to the stride-8 grid and the two are concatenated:
/// one <see cref="Channels"/>-d descriptor per cell of a 28×28 grid. Later stages and the classifier pooling are dropped.
/// </summary>
public static class FeatureGraph
{
    public const string ImageInput = "image";
    public const string FeaturesOutput = "features";
    public const int Grid = ResNet18Backbone.InputSize / 8;
    public const int Channels = ResNet18Backbone.Stride8Channels + ResNet18Backbone.Stride16Channels;
    public const int OpsetVersion = 13;

    /// <summary>Parses the backbone and returns the feature graph (input <see cref="ImageInput"/>, output <see cref="FeaturesOutput"/> [1,C,28,28]).</summary>
    public static ModelProto Build(string backbonePath)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(backbonePath));
        Truncate(model.Graph, [ResNet18Backbone.Stride8Output, ResNet18Backbone.Stride16Output]);
        Modernise(model);
        RenameInput(model.Graph, ResNet18Backbone.InputName, ImageInput);
        var graph = model.Graph;
        graph.Node.Add(Node("AveragePool", "agg_s8", [ResNet18Backbone.Stride8Output], ["agg_s8"], Ints("kernel_shape", 3, 3), Ints("strides", 1, 1), Ints("pads", 1, 1, 1, 1), Int("count_include_pad", 0)));
        graph.Node.Add(Node("AveragePool", "agg_s16", [ResNet18Backbone.Stride16Output], ["agg_s16"], Ints("kernel_shape", 3, 3), Ints("strides", 1, 1), Ints("pads", 1, 1, 1, 1), Int("count_include_pad", 0)));
        graph.Initializer.Add(Int64s("grid_size", 1, ResNet18Backbone.Stride16Channels, Grid, Grid));
        graph.Node.Add(Node("Resize", "up_s16", ["agg_s16", string.Empty, string.Empty, "grid_size"], ["agg_s16_up"], Text("mode", "linear"), Text("coordinate_transformation_mode", "half_pixel")));
        graph.Node.Add(Node("Concat", "features", ["agg_s8", "agg_s16_up"], [FeaturesOutput], Int("axis", 1)));
        graph.Output.Clear();
        graph.Output.Add(FloatValue(FeaturesOutput, 1, Channels, Grid, Grid));
        return model;
    }

    /// <summary>Keeps only the nodes (and weights) the given values depend on; the graph's real input stays, initializer inputs go.</summary>
    private static void Truncate(GraphProto graph, IReadOnlyCollection<string> keepOutputs)
    {
        var needed = new HashSet<string>(keepOutputs, StringComparer.Ordinal);
        var kept = new List<NodeProto>();
        foreach (var node in graph.Node.Reverse())
        {
            if (node.Output.Any(needed.Contains))
            {
                kept.Add(node);
                foreach (var input in node.Input)
                {
                    needed.Add(input);
                }
            }
        }

        kept.Reverse();
        foreach (var missing in keepOutputs.Where(o => !kept.Any(n => n.Output.Contains(o))))
        {
            throw new AnomalyTrainingException($"The backbone has no node producing '{missing}': it is not the bundled ResNet18.");
        }

        graph.Node.Clear();
        graph.Node.AddRange(kept);
        var initializers = graph.Initializer.Where(t => needed.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(initializers);
        var initializerNames = initializers.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializerNames.Contains(i.Name) && needed.Contains(i.Name)).ToList();
        graph.Input.Clear();
        graph.Input.AddRange(inputs);
        graph.ValueInfo.Clear();
    }

    /// <summary>Opset 8 → 13 (Resize, ReduceMin/Max with axes attributes): BatchNormalization lost its <c>spatial</c> attribute in opset 9.</summary>
    private static void Modernise(ModelProto model)
    {
        model.IrVersion = 7;
        model.OpsetImport.Clear();
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OpsetVersion });
        foreach (var node in model.Graph.Node.Where(n => n.OpType == "BatchNormalization"))
        {
            var keep = node.Attribute.Where(a => a.Name is not ("spatial" or "momentum")).ToList();
            node.Attribute.Clear();
            node.Attribute.AddRange(keep);
        }

        model.ProducerName = "edge-inference";
        model.ProducerVersion = typeof(FeatureGraph).Assembly.GetName().Version?.ToString() ?? "1";
    }

    private static void RenameInput(GraphProto graph, string from, string to)
    {
        foreach (var input in graph.Input.Where(i => i.Name == from))
        {
            input.Name = to;
        }

        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == from)
                {
                    node.Input[i] = to;
                }
            }
        }
    }
}
