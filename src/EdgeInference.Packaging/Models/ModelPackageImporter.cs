using System.IO.Compression;
using System.Security.Cryptography;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Manifest;
using EdgeInference.Core.Packages;
using EdgeInference.Onnx.Packages;

namespace EdgeInference.Packaging.Models;

/// <summary>
/// Reads a model package (a folder, a .zip, or a bare .onnx with a manifest), writes it as a normalised zip —
/// <c>manifest.json</c> and the model file at the root, plus any other files the package carries — and checks it with the
/// worker's own rules (<see cref="PackageReader"/>, <see cref="ManifestRules"/>, <see cref="ModelPackageCheck"/>: the
/// container limits, no path or link out of the package, the manifest, one ONNX Runtime CPU load, the manifest against the
/// model), so what create-model accepts the worker serves, and what the worker would refuse is refused here in its words.
/// A manifest that lets the model batch (<c>MaxBatchSize</c> above 1) gets a model with a symbolic batch dimension here,
/// once (<see cref="BatchDimension.MakeDynamic"/>), so the worker loads it as shipped instead of rewriting it at every start.
/// </summary>
public static class ModelPackageImporter
{
    /// <exception cref="PackagingValidationException">The package breaks a rule (the message is the worker's, naming it).</exception>
    public static ImportedModelPackage Import(string modelPath, string? manifestPath, string destinationZip, PackageLimits? limits = null)
    {
        limits ??= PackageLimits.Default;
        var shownAs = Path.GetFullPath(modelPath).TrimEnd(Path.DirectorySeparatorChar);
        try
        {
            using (var source = Open(modelPath, manifestPath, limits))
            {
                var manifest = ManifestRules.Parse(source.ManifestBytes, source.ManifestOrigin);
                ManifestRules.ThrowIfInvalid(manifest, shownAs);
                var modelFile = (manifest.ModelFile ?? ModelManifest.DefaultModelFileName).Replace('\\', '/');
                var model = source.Files.FirstOrDefault(f => string.Equals(f.Name, modelFile, StringComparison.Ordinal))
                    ?? throw new PackagingValidationException(
                        $"The model package {modelPath} has no model file '{modelFile}' (named by the manifest's ModelFile, default {ModelManifest.DefaultModelFileName}).");
                if (model.Length == 0)
                {
                    throw new PackagingValidationException($"The model file '{modelFile}' in {modelPath} is empty.");
                }

                Write(source, destinationZip, modelFile, manifest.EffectiveMaxBatchSize > 1);
            }

            var package = ModelPackageCheck.Check(destinationZip, shownAs, limits);
            string packageSha256;
            using (var packageStream = File.OpenRead(destinationZip))
            {
                packageSha256 = Convert.ToHexStringLower(SHA256.HashData(packageStream));
            }

            return new ImportedModelPackage(package.Manifest, package.Manifest.ModelFile ?? ModelManifest.DefaultModelFileName, package.Sha256, packageSha256);
        }
        catch (ModelPackageException ex)
        {
            throw new PackagingValidationException(ex.Message, ex);
        }
    }

    private static void Write(PackageSource source, string destinationZip, string modelFile, bool batchDynamic)
    {
        using var zip = ZipFile.Open(destinationZip, ZipArchiveMode.Create);
        var manifestEntry = zip.CreateEntry(ModelManifest.FileName, CompressionLevel.Optimal);
        using (var stream = manifestEntry.Open())
        {
            stream.Write(source.ManifestBytes);
        }

        foreach (var file in source.Files.Where(f => f.Name != ModelManifest.FileName))
        {
            var entry = zip.CreateEntry(file.Name, CompressionLevel.Optimal);
            using var target = entry.Open();
            using var input = file.Open();
            if (batchDynamic && file.Name == modelFile)
            {
                // Bounded by the package limits' entry size, like the worker's own load of the model.
                using var model = new MemoryStream();
                input.CopyTo(model);
                target.Write(BatchDimension.MakeDynamic(model.ToArray()));
                continue;
            }

            input.CopyTo(target);
        }
    }

    private static PackageSource Open(string modelPath, string? manifestPath, PackageLimits limits)
    {
        var isFolder = Directory.Exists(modelPath);
        if (!isFolder && !File.Exists(modelPath))
        {
            throw new PackagingValidationException($"--model {modelPath} does not exist (give a .onnx file, a package folder or a package .zip).");
        }

        if (isFolder || modelPath.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            var reader = PackageReader.Open(modelPath, limits);
            try
            {
                var files = reader.Entries
                    .Where(e => e.Name != ModelManifest.FileName)
                    .Select(e => new PackageFile(e.Name, e.Length, () => reader.OpenEntry(e)))
                    .ToList();
                if (manifestPath is not null)
                {
                    return new PackageSource(ReadManifestFile(manifestPath, modelPath, limits), manifestPath, files, reader);
                }

                if (reader.Find(ModelManifest.FileName) is null)
                {
                    throw new PackagingValidationException($"The package {modelPath} has no {ModelManifest.FileName} (give one with --manifest).");
                }

                return new PackageSource(reader.ReadManifest().Bytes, reader.IsZip ? $"{reader.Path}!{ModelManifest.FileName}" : Path.Combine(reader.Path, ModelManifest.FileName), files, reader);
            }
            catch
            {
                reader.Dispose();
                throw;
            }
        }

        if (modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            var manifestFile = manifestPath ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, ModelManifest.FileName);
            var bytes = ReadManifestFile(manifestFile, modelPath, limits);
            var manifest = ManifestRules.Parse(bytes, manifestFile);
            var name = (manifest.ModelFile ?? ModelManifest.DefaultModelFileName).Replace('\\', '/');
            var length = new FileInfo(modelPath).Length;
            if (length > limits.MaxEntryBytes)
            {
                throw new ModelPackageException(
                    $"--model {modelPath} is {length} bytes; a model may be at most {limits.MaxEntryBytes} ({PackageErrorCodes.PackageEntryTooLarge}).",
                    PackageErrorCodes.PackageEntryTooLarge);
            }

            return new PackageSource(bytes, manifestFile, [new PackageFile(name, length, () => File.OpenRead(modelPath))], null);
        }

        throw new PackagingValidationException($"--model {modelPath} must be a .onnx file, a package folder or a package .zip.");
    }

    private static byte[] ReadManifestFile(string manifestPath, string modelPath, PackageLimits limits)
    {
        if (!File.Exists(manifestPath))
        {
            throw new PackagingValidationException(
                $"No manifest for {modelPath}: {manifestPath} does not exist (put {ModelManifest.FileName} in the package or pass --manifest).");
        }

        var info = new FileInfo(manifestPath);
        if (info.Length > limits.MaxManifestBytes)
        {
            throw new PackagingValidationException($"The manifest {manifestPath} is {info.Length} bytes; the limit is {limits.MaxManifestBytes}.");
        }

        return File.ReadAllBytes(manifestPath);
    }

    private sealed record PackageSource(byte[] ManifestBytes, string ManifestOrigin, IReadOnlyList<PackageFile> Files, PackageReader? Reader) : IDisposable
    {
        public void Dispose() => Reader?.Dispose();
    }

    private sealed record PackageFile(string Name, long Length, Func<Stream> Open);
}

/// <summary>What <see cref="ModelPackageImporter.Import"/> found.</summary>
public sealed record ImportedModelPackage(ModelManifest Manifest, string ModelFile, string ModelSha256, string PackageSha256);
