using EdgeInference.Core.Inference;
using EdgeInference.Core.Manifest;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeInference.Onnx.Packages;

/// <summary>
/// Checks a manifest on its own and against the model's real inputs and outputs (names, ranks, element
/// types, fixed sizes). Every problem is collected, so one start tells the user all of them.
/// </summary>
public static class ManifestValidator
{
    private static readonly Dictionary<ModelTask, OutputRole[]> RolesByTask = new()
    {
        [ModelTask.Classification] = [OutputRole.Scores],
        [ModelTask.Anomaly] = [OutputRole.AnomalyScore, OutputRole.AnomalyMap],
        [ModelTask.Embedding] = [OutputRole.Embedding],
    };

    /// <summary>Rules that need no model.</summary>
    public static IReadOnlyList<string> ValidateManifest(ModelManifest manifest)
    {
        var errors = new List<string>();
        if (manifest.SchemaVersion is { } version && version != ModelManifest.CurrentSchemaVersion)
        {
            errors.Add($"SchemaVersion {manifest.SchemaVersion} is not supported (this worker reads {ModelManifest.CurrentSchemaVersion}).");
        }

        var input = manifest.Input;
        if (input.Width <= 0 || input.Height <= 0)
        {
            errors.Add($"Input.Width and Input.Height must be positive (got {input.Width}×{input.Height}).");
        }

        if (input.ElementType is not (null or "float32"))
        {
            errors.Add($"Input.ElementType '{input.ElementType}' is not supported (float32 only).");
        }

        if (input.Scale is { } scale && (!(scale > 0) || float.IsInfinity(scale)))
        {
            errors.Add($"Input.Scale must be a positive number (got {input.Scale}).");
        }

        if (input.Mean is { Count: not 3 })
        {
            errors.Add($"Input.Mean needs 3 values, one per channel (got {input.Mean.Count}).");
        }

        if (input.Std is { Count: not 3 })
        {
            errors.Add($"Input.Std needs 3 values, one per channel (got {input.Std.Count}).");
        }
        else if (input.Std?.Any(s => !(s > 0)) == true)
        {
            errors.Add("Input.Std values must be positive.");
        }

        if (manifest.Outputs.Count == 0)
        {
            errors.Add("Outputs is empty.");
        }

        foreach (var duplicate in manifest.Outputs.GroupBy(o => o.Role).Where(g => g.Count() > 1))
        {
            errors.Add($"Outputs has more than one {duplicate.Key} output.");
        }

        var allowed = RolesByTask[manifest.Task];
        foreach (var output in manifest.Outputs.Where(o => !allowed.Contains(o.Role)))
        {
            errors.Add($"Output '{output.Name}' has role {output.Role}, which a {manifest.Task.ToJsonName()} model does not use (allowed: {string.Join(", ", allowed)}).");
        }

        if (!manifest.Outputs.Any(o => allowed.Contains(o.Role)))
        {
            errors.Add($"A {manifest.Task.ToJsonName()} model needs an output with role {string.Join(" or ", allowed)}.");
        }

        foreach (var output in manifest.Outputs.Where(o => o.ElementType is not (null or "float32")))
        {
            errors.Add($"Output '{output.Name}' ElementType '{output.ElementType}' is not supported (float32 only).");
        }

        if (manifest.Task == ModelTask.Classification && manifest.Labels is not { Count: > 0 })
        {
            errors.Add("A classification model needs Labels.");
        }

        if (manifest.TopK is <= 0)
        {
            errors.Add($"TopK must be positive (got {manifest.TopK}).");
        }

        if (manifest.MaxBatchSize is < 1 or > 256)
        {
            errors.Add($"MaxBatchSize must be 1 (no batching) to 256 (got {manifest.MaxBatchSize}).");
        }

        if (manifest.Task == ModelTask.Anomaly && manifest.AnomalyThreshold is null)
        {
            errors.Add("An anomaly model needs AnomalyThreshold.");
        }

        return errors;
    }

    /// <summary>Rules that compare the manifest with the loaded model.</summary>
    public static IReadOnlyList<string> ValidateAgainstModel(
        ModelManifest manifest,
        IReadOnlyDictionary<string, NodeMetadata> inputs,
        IReadOnlyDictionary<string, NodeMetadata> outputs)
    {
        var errors = new List<string>();
        var input = manifest.Input;
        if (!inputs.TryGetValue(input.Name, out var inputMeta))
        {
            errors.Add($"Input '{input.Name}' is not an input of the model (model inputs: {Describe(inputs)}).");
        }
        else
        {
            CheckFloatTensor(errors, "Input", input.Name, inputMeta);
            var dims = inputMeta.Dimensions;
            if (dims.Length != 4)
            {
                errors.Add($"Input '{input.Name}' has rank {dims.Length} {Shape(dims)}; an image input needs rank 4 ({input.Layout}).");
            }
            else
            {
                var (c, h, w) = input.Layout == TensorLayout.NCHW ? (dims[1], dims[2], dims[3]) : (dims[3], dims[1], dims[2]);
                if (dims[0] > 1)
                {
                    errors.Add($"Input '{input.Name}' has a fixed batch of {dims[0]} {Shape(dims)}; batch 1 or symbolic is needed.");
                }

                if (c > 0 && c != 3)
                {
                    errors.Add($"Input '{input.Name}' has {c} channels in {input.Layout} layout {Shape(dims)}; 3 are needed (is Layout right?).");
                }

                if ((h > 0 && h != input.Height) || (w > 0 && w != input.Width))
                {
                    errors.Add($"Input '{input.Name}' is {Shape(dims)} but the manifest says {input.Width}×{input.Height} ({input.Layout}).");
                }
            }
        }

        if (inputMeta is not null)
        {
            foreach (var extra in inputs.Keys.Where(k => k != input.Name))
            {
                errors.Add($"The model has a second input '{extra}' that the manifest does not feed.");
            }
        }

        foreach (var output in manifest.Outputs)
        {
            if (!outputs.TryGetValue(output.Name, out var outputMeta))
            {
                errors.Add($"Output '{output.Name}' ({output.Role}) is not an output of the model (model outputs: {Describe(outputs)}).");
                continue;
            }

            CheckFloatTensor(errors, "Output", output.Name, outputMeta);
            CheckOutputShape(errors, manifest, output, outputMeta.Dimensions);
        }

        return errors;
    }

    private static void CheckOutputShape(List<string> errors, ModelManifest manifest, ModelOutputSpec output, int[] dims)
    {
        switch (output.Role)
        {
            case OutputRole.Scores:
                if (dims.Length != 2)
                {
                    errors.Add($"Output '{output.Name}' (Scores) has rank {dims.Length} {Shape(dims)}; [batch, classes] is needed.");
                }
                else if (dims[1] > 0 && manifest.Labels is { } labels && dims[1] != labels.Count)
                {
                    errors.Add($"Output '{output.Name}' has {dims[1]} classes but Labels has {labels.Count}.");
                }

                break;
            case OutputRole.AnomalyMap:
                if (dims.Length is not (3 or 4) || (dims.Length == 4 && dims[1] > 1))
                {
                    errors.Add($"Output '{output.Name}' (AnomalyMap) is {Shape(dims)}; [1, 1, H, W] or [1, H, W] is needed.");
                }

                break;
            case OutputRole.AnomalyScore:
                if (dims.Any(d => d > 1))
                {
                    errors.Add($"Output '{output.Name}' (AnomalyScore) is {Shape(dims)}; one value is needed.");
                }

                break;
        }
    }

    private static void CheckFloatTensor(List<string> errors, string kind, string name, NodeMetadata meta)
    {
        if (!meta.IsTensor)
        {
            errors.Add($"{kind} '{name}' is not a tensor ({meta.OnnxValueType}).");
        }
        else if (meta.ElementDataType != TensorElementType.Float)
        {
            errors.Add($"{kind} '{name}' has element type {meta.ElementDataType}; the manifest says float32.");
        }
    }

    internal static string Shape(IEnumerable<int> dims) => "[" + string.Join(",", dims.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        string.Join(", ", nodes.Select(kv => $"'{kv.Key}' {kv.Value.ElementDataType} {Shape(kv.Value.Dimensions)}"));

}
