using System.Text.Json;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Json;
using EdgeInference.Core.Manifest;

namespace EdgeInference.Core.Packages;

/// <summary>
/// The one set of manifest rules that need no model, used by every entry point that takes a package: the worker's load
/// (configured model, <c>models register</c>), create-model and its import, the LookoutVision training output. The rules
/// that compare a manifest with the model's real inputs and outputs need ONNX Runtime and live beside it
/// (<c>EdgeInference.Onnx.Packages.ManifestValidator</c>).
/// </summary>
public static class ManifestRules
{
    private static readonly Dictionary<ModelTask, OutputRole[]> RolesByTask = new()
    {
        [ModelTask.Classification] = [OutputRole.Scores],
        [ModelTask.Anomaly] = [OutputRole.AnomalyScore, OutputRole.AnomalyMap],
        [ModelTask.Embedding] = [OutputRole.Embedding],
    };

    /// <summary>Every rule that needs no model; each problem is one sentence, so one start (or one create-model) names all of them.</summary>
    public static IReadOnlyList<string> Validate(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var errors = new List<string>();
        if (manifest.SchemaVersion is { } version && version != ModelManifest.CurrentSchemaVersion)
        {
            errors.Add($"SchemaVersion {manifest.SchemaVersion} is not supported (this worker reads {ModelManifest.CurrentSchemaVersion}).");
        }

        if (manifest.ModelFile is { } modelFile && !PackagePaths.IsInside(modelFile))
        {
            errors.Add($"ModelFile must be a relative path inside the package (got '{modelFile}').");
        }

        var input = manifest.Input;
        if (string.IsNullOrWhiteSpace(input.Name))
        {
            errors.Add("Input.Name is required.");
        }

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

        if (manifest.Outputs.Any(o => string.IsNullOrWhiteSpace(o.Name)))
        {
            errors.Add("Every Outputs[].Name is required.");
        }

        foreach (var duplicate in manifest.Outputs.GroupBy(o => o.Role).Where(g => g.Count() > 1))
        {
            errors.Add($"Outputs has more than one {duplicate.Key} output.");
        }

        var allowed = RolesByTask[manifest.Task];
        foreach (var output in manifest.Outputs.Where(o => !allowed.Contains(o.Role)))
        {
            errors.Add($"Output '{output.Name}' has role {output.Role}, which {Article(manifest.Task)} {manifest.Task.ToJsonName()} model does not use (allowed: {string.Join(", ", allowed)}).");
        }

        if (!manifest.Outputs.Any(o => allowed.Contains(o.Role)))
        {
            errors.Add($"{Article(manifest.Task, capital: true)} {manifest.Task.ToJsonName()} model needs an output with role {string.Join(" or ", allowed)}.");
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

    private static string Article(ModelTask task, bool capital = false) =>
        task == ModelTask.Classification ? (capital ? "A" : "a") : (capital ? "An" : "an");

    /// <summary>Parses manifest JSON, naming what is wrong.</summary>
    /// <exception cref="ModelPackageException">Not JSON, empty, or not a manifest.</exception>
    public static ModelManifest Parse(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize(json, CoreJsonContext.Default.ModelManifest)
                ?? throw new ModelPackageException($"{source} is empty.");
        }
        catch (JsonException ex)
        {
            throw new ModelPackageException($"{source} is not a valid manifest: {ex.Message}", ex);
        }
    }

    /// <summary>Throws with every broken rule, in the words the worker uses at load.</summary>
    /// <param name="package">The package as the user named it (folder or .zip).</param>
    /// <exception cref="ModelPackageException">At least one rule is broken.</exception>
    public static void ThrowIfInvalid(ModelManifest manifest, string package)
    {
        var errors = Validate(manifest);
        if (errors.Count > 0)
        {
            throw new ModelPackageException($"The manifest of '{package}' is invalid: {string.Join(" ", errors)}");
        }
    }
}
