using EdgeInference.Core.Inference;
using Google.Protobuf;
using Onnx;

namespace EdgeInference.Onnx.Packages;

/// <summary>
/// Gives a model whose batch dimension is fixed at 1 (the bundled ResNet18, most CNTK and older PyTorch exports) a
/// symbolic batch dimension <c>N</c> on its inputs, outputs, value infos and Reshape shapes (OnnxSharp's
/// <c>SetDim</c>), so one run can take several images. Whether the result really batches is proved by a run
/// (<see cref="OnnxInferenceEngine"/> warms up with a full batch); this step only rewrites the graph.
/// </summary>
public static class BatchDimension
{
    /// <summary>The leading dimension of <paramref name="model"/>'s first graph input: a number, or null when symbolic.</summary>
    /// <exception cref="ModelPackageException">The bytes are not an ONNX model.</exception>
    public static long? FixedBatchOf(byte[] model)
    {
        var proto = Parse(model);
        var input = proto.Graph.Input.FirstOrDefault(i => proto.Graph.Initializer.All(init => init.Name != i.Name));
        var dims = input?.Type?.TensorType?.Shape?.Dim;
        if (dims is not { Count: > 0 })
        {
            return null;
        }

        return dims[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? dims[0].DimValue : null;
    }

    /// <summary>
    /// The model with a symbolic batch dimension. A model already symbolic is returned unchanged; a model fixed at a
    /// batch above 1 is refused (its graph was built for that batch).
    /// </summary>
    /// <exception cref="ModelPackageException">The model cannot be given a dynamic batch dimension; the message says why.</exception>
    public static byte[] MakeDynamic(byte[] model)
    {
        var proto = Parse(model);
        var fixedBatch = FixedBatchOf(model);
        if (fixedBatch is null)
        {
            return model;
        }

        if (fixedBatch != 1)
        {
            throw new ModelPackageException($"The model's batch dimension is fixed at {fixedBatch}; only a batch of 1 can be made dynamic (set the manifest's MaxBatchSize to 1, or export the model with a dynamic batch).");
        }

        try
        {
            proto.Graph.SetDim();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NotSupportedException or IndexOutOfRangeException)
        {
            throw new ModelPackageException($"The model's batch dimension cannot be made dynamic: {ex.Message} (set the manifest's MaxBatchSize to 1).", ex);
        }

        return proto.ToByteArray();
    }

    /// <summary>The model with its batch dimension fixed at <paramref name="batch"/> (benchmarks: what a symbolic dimension costs).</summary>
    public static byte[] MakeStatic(byte[] model, int batch)
    {
        var proto = Parse(model);
        proto.Graph.SetDim(0, DimParamOrValue.New(batch));
        return proto.ToByteArray();
    }

    private static ModelProto Parse(byte[] model)
    {
        try
        {
            return ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelPackageException($"The model is not a readable ONNX file: {ex.Message}", ex);
        }
    }
}
