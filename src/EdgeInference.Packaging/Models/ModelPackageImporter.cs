using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeInference.Core.Json;
using EdgeInference.Core.Manifest;

namespace EdgeInference.Packaging.Models;

/// <summary>
/// Reads a model package (a folder, a .zip, or a bare .onnx with a manifest), checks it, and writes it as a normalised zip:
/// <c>manifest.json</c> and the model file at the root, plus any other files the package carries.
/// </summary>
public static class ModelPackageImporter
{
    /// <summary>Largest manifest we read (a manifest is a few KB).</summary>
    private const long MaxManifestBytes = 1024 * 1024;

    /// <exception cref="PackagingValidationException">The package or manifest breaks a rule (the message names it).</exception>
    public static ImportedModelPackage Import(string modelPath, string? manifestPath, string destinationZip)
    {
        var source = Open(modelPath, manifestPath);
        var manifest = ParseManifest(source.ManifestBytes, source.ManifestOrigin);
        var modelFile = manifest.ModelFile ?? ModelManifest.DefaultModelFileName;
        CheckRelativePath(modelFile, "ModelFile");
        var modelEntry = source.Files.FirstOrDefault(f => string.Equals(f.Name, modelFile.Replace('\\', '/'), StringComparison.Ordinal))
            ?? throw new PackagingValidationException(
                $"The model package {modelPath} has no model file '{modelFile}' (named by the manifest's ModelFile, default {ModelManifest.DefaultModelFileName}).");

        string modelSha256;
        using (var modelStream = modelEntry.Open())
        {
            var hash = SHA256.HashData(modelStream);
            modelSha256 = Convert.ToHexStringLower(hash);
        }

        if (modelEntry.Length == 0)
        {
            throw new PackagingValidationException($"The model file '{modelFile}' in {modelPath} is empty.");
        }

        using (var zip = ZipFile.Open(destinationZip, ZipArchiveMode.Create))
        {
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
                input.CopyTo(target);
            }
        }

        string packageSha256;
        using (var packageStream = File.OpenRead(destinationZip))
        {
            packageSha256 = Convert.ToHexStringLower(SHA256.HashData(packageStream));
        }

        return new ImportedModelPackage(manifest, modelFile, modelSha256, packageSha256);
    }

    /// <summary>Parses and checks a manifest with Core's contract (required fields, sizes, outputs the task needs).</summary>
    public static ModelManifest ParseManifest(ReadOnlySpan<byte> json, string origin)
    {
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(json, CoreJsonContext.Default.ModelManifest);
        }
        catch (JsonException ex)
        {
            throw new PackagingValidationException($"The manifest {origin} is not valid: {ex.Message}", ex);
        }

        if (manifest is null)
        {
            throw new PackagingValidationException($"The manifest {origin} is empty (null).");
        }

        var errors = new List<string>();
        if (manifest.SchemaVersion is { } schemaVersion && schemaVersion != ModelManifest.CurrentSchemaVersion)
        {
            errors.Add($"SchemaVersion must be {ModelManifest.CurrentSchemaVersion} (got {schemaVersion})");
        }

        if (string.IsNullOrWhiteSpace(manifest.Input.Name))
        {
            errors.Add("Input.Name is required");
        }

        if (manifest.Input.Width <= 0 || manifest.Input.Height <= 0)
        {
            errors.Add($"Input.Width and Input.Height must be positive (got {manifest.Input.Width}x{manifest.Input.Height})");
        }

        if (manifest.Outputs.Count == 0)
        {
            errors.Add("Outputs must name at least one output");
        }

        if (manifest.Outputs.Any(o => string.IsNullOrWhiteSpace(o.Name)))
        {
            errors.Add("every Outputs[].Name is required");
        }

        var roles = manifest.Outputs.Select(o => o.Role).ToHashSet();
        switch (manifest.Task)
        {
            case ModelTask.Classification when !roles.Contains(OutputRole.Scores):
                errors.Add("a classification model needs an output with Role Scores");
                break;
            case ModelTask.Anomaly when !roles.Contains(OutputRole.AnomalyScore) && !roles.Contains(OutputRole.AnomalyMap):
                errors.Add("an anomaly model needs an output with Role AnomalyScore or AnomalyMap");
                break;
            case ModelTask.Embedding when !roles.Contains(OutputRole.Embedding):
                errors.Add("an embedding model needs an output with Role Embedding");
                break;
        }

        if (manifest.Input.Mean is { Count: not 3 } || manifest.Input.Std is { Count: not 3 })
        {
            errors.Add("Input.Mean and Input.Std need 3 values (one per channel) when given");
        }

        if (manifest.Input.Std?.Any(s => s == 0) == true)
        {
            errors.Add("Input.Std values must not be 0");
        }

        if (errors.Count > 0)
        {
            throw new PackagingValidationException($"The manifest {origin} is not valid: {string.Join("; ", errors)}.");
        }

        return manifest;
    }

    private static PackageSource Open(string modelPath, string? manifestPath)
    {
        if (Directory.Exists(modelPath))
        {
            var files = Directory.EnumerateFiles(modelPath, "*", SearchOption.AllDirectories)
                .Select(f => (Full: f, Relative: Path.GetRelativePath(modelPath, f).Replace('\\', '/')))
                .Where(f => !f.Relative.Split('/').Any(part => part.StartsWith('.')))
                .Select(f => PackageFile.FromFile(f.Relative, f.Full))
                .ToList();
            var manifestFile = manifestPath ?? Path.Combine(modelPath, ModelManifest.FileName);
            return new PackageSource(ReadManifestFile(manifestFile, modelPath), manifestFile, files);
        }

        if (!File.Exists(modelPath))
        {
            throw new PackagingValidationException($"--model {modelPath} does not exist (give a .onnx file, a package folder or a package .zip).");
        }

        if (modelPath.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            return OpenZip(modelPath, manifestPath);
        }

        if (modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            var manifestFile = manifestPath ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, ModelManifest.FileName);
            var bytes = ReadManifestFile(manifestFile, modelPath);
            var manifest = ParseManifest(bytes, manifestFile);
            var name = manifest.ModelFile ?? ModelManifest.DefaultModelFileName;
            return new PackageSource(bytes, manifestFile, [PackageFile.FromFile(name.Replace('\\', '/'), modelPath)]);
        }

        throw new PackagingValidationException($"--model {modelPath} must be a .onnx file, a package folder or a package .zip.");
    }

    private static PackageSource OpenZip(string zipPath, string? manifestPath)
    {
        byte[] zipBytes;
        try
        {
            zipBytes = File.ReadAllBytes(zipPath);
            using var probe = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
            var entries = probe.Entries.Where(e => e.Length > 0 || !e.FullName.EndsWith('/')).Select(e => e.FullName).ToList();

            // A zip made of a folder has one top folder; look through it.
            var root = entries.Count > 0 && entries.All(n => n.Contains('/')) && entries.Select(n => n[..n.IndexOf('/')]).Distinct().Count() == 1
                ? entries[0][..(entries[0].IndexOf('/') + 1)]
                : string.Empty;
            var files = new List<PackageFile>();
            byte[]? manifestBytes = null;
            foreach (var entry in probe.Entries.Where(e => !e.FullName.EndsWith('/')))
            {
                var name = entry.FullName[root.Length..];
                CheckRelativePath(name, $"zip entry '{entry.FullName}'");
                if (name == ModelManifest.FileName)
                {
                    manifestBytes = ReadBounded(entry.Open(), entry.Length, $"{zipPath}!{entry.FullName}");
                    continue;
                }

                var entryName = entry.FullName;
                files.Add(new PackageFile(name, entry.Length, () => new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read).GetEntry(entryName)!.Open()));
            }

            if (manifestPath is not null)
            {
                return new PackageSource(ReadManifestFile(manifestPath, zipPath), manifestPath, files);
            }

            return manifestBytes is null
                ? throw new PackagingValidationException($"The package {zipPath} has no {ModelManifest.FileName} (give one with --manifest).")
                : new PackageSource(manifestBytes, $"{zipPath}!{ModelManifest.FileName}", files);
        }
        catch (InvalidDataException ex)
        {
            throw new PackagingValidationException($"--model {zipPath} is not a readable zip: {ex.Message}", ex);
        }
    }

    private static byte[] ReadManifestFile(string manifestPath, string modelPath)
    {
        if (!File.Exists(manifestPath))
        {
            throw new PackagingValidationException(
                $"No manifest for {modelPath}: {manifestPath} does not exist (put {ModelManifest.FileName} in the package or pass --manifest).");
        }

        var info = new FileInfo(manifestPath);
        using var stream = info.OpenRead();
        return ReadBounded(stream, info.Length, manifestPath);
    }

    private static byte[] ReadBounded(Stream stream, long length, string origin)
    {
        using (stream)
        {
            if (length > MaxManifestBytes)
            {
                throw new PackagingValidationException($"The manifest {origin} is {length} bytes; the limit is {MaxManifestBytes}.");
            }

            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        }
    }

    private static void CheckRelativePath(string path, string what)
    {
        var normalized = path.Replace('\\', '/');
        if (normalized.Length == 0 || Path.IsPathRooted(normalized) || normalized.Split('/').Contains(".."))
        {
            throw new PackagingValidationException($"{what} must be a relative path inside the package (got '{path}').");
        }
    }

    private sealed record PackageSource(byte[] ManifestBytes, string ManifestOrigin, IReadOnlyList<PackageFile> Files);

    private sealed record PackageFile(string Name, long Length, Func<Stream> Open)
    {
        public static PackageFile FromFile(string name, string path) => new(name, new FileInfo(path).Length, () => File.OpenRead(path));
    }
}

/// <summary>What <see cref="ModelPackageImporter.Import"/> found.</summary>
public sealed record ImportedModelPackage(ModelManifest Manifest, string ModelFile, string ModelSha256, string PackageSha256);
