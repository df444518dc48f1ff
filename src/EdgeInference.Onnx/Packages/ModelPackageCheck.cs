using EdgeInference.Core.Inference;
using EdgeInference.Core.Packages;
using EdgeInference.Onnx.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInference.Onnx.Packages;

/// <summary>
/// The whole set of package rules for tools that accept a package without serving it (create-model and its import,
/// the LookoutVision training output): the container rules (<see cref="PackageReader"/>), the manifest rules
/// (<see cref="ManifestRules"/>), then one load of the model in an ONNX Runtime CPU session and the manifest checked
/// against the model's real inputs and outputs (<see cref="ManifestValidator"/>) — the same steps and words as the
/// worker's load (<see cref="OnnxInferenceEngine.Load"/>), so a package one accepts the other serves.
/// </summary>
public static class ModelPackageCheck
{
    /// <summary>Checks the package at <paramref name="packagePath"/>; messages name <paramref name="shownAs"/> (what the user gave).</summary>
    /// <returns>The package (manifest, model SHA-256).</returns>
    /// <exception cref="ModelPackageException">The first step that fails, naming every problem of that step.</exception>
    public static ModelPackage Check(string packagePath, string shownAs, PackageLimits? limits = null)
    {
        var package = ModelPackage.Open(packagePath, limits);
        ManifestRules.ThrowIfInvalid(package.Manifest, shownAs);
        OnnxRuntimeLibrary.Use(null);
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
        };
        InferenceSession session;
        try
        {
            session = package.ModelFilePath is { } file ? new InferenceSession(file, options) : new InferenceSession(package.ModelBytes!, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw CannotLoad(shownAs, ex);
        }

        using (session)
        {
            ThrowIfMismatch(package.Manifest, session, shownAs);
        }

        return package;
    }

    /// <summary>ONNX Runtime refused the model file.</summary>
    public static ModelPackageException CannotLoad(string package, OnnxRuntimeException ex) =>
        new($"ONNX Runtime cannot load the model of '{package}': {ex.Message}", ex);

    /// <summary>Throws naming every way the manifest and the session's model disagree.</summary>
    public static void ThrowIfMismatch(Core.Manifest.ModelManifest manifest, InferenceSession session, string package)
    {
        var errors = ManifestValidator.ValidateAgainstModel(manifest, session.InputMetadata, session.OutputMetadata);
        if (errors.Count > 0)
        {
            throw new ModelPackageException($"The manifest of '{package}' does not match its model: {string.Join(" ", errors)}");
        }
    }
}
