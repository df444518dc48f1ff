using EdgeInference.Core.Inference;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeInference.Core.Json;
using EdgeInference.Core.Manifest;

namespace EdgeInference.Onnx.Packages;

/// <summary>A model package read into memory: the manifest, the ONNX bytes and their SHA-256.</summary>
public sealed class ModelPackage
{
    private ModelPackage(string path, ModelManifest manifest, byte[]? modelBytes, string? modelFilePath, string name)
    {
        Path = path;
        Manifest = manifest;
        ModelBytes = modelBytes;
        ModelFilePath = modelFilePath;
        Name = name;
    }

    public string Path { get; }
    public ModelManifest Manifest { get; }

    /// <summary>The ONNX bytes, for a .zip package (a folder package is read by ONNX Runtime from <see cref="ModelFilePath"/>).</summary>
    public byte[]? ModelBytes { get; }

    /// <summary>The ONNX file of a folder package.</summary>
    public string? ModelFilePath { get; }

    public string Name { get; }

    /// <summary>What a cached, optimised form of the model is keyed by: the SHA-256, marked when the batch dimension was rewritten.</summary>
    public string ModelIdentity => _batchDynamic ? Sha256 + "-batch-dynamic" : Sha256;

    private bool _batchDynamic;

    /// <summary>
    /// This package with its model given a symbolic batch dimension (<see cref="BatchDimension.MakeDynamic"/>), held in
    /// memory; <see cref="Sha256"/> stays the package's own (provenance names the file the user shipped).
    /// </summary>
    /// <exception cref="ModelPackageException">The batch dimension cannot be made dynamic.</exception>
    public ModelPackage WithDynamicBatch()
    {
        var original = ReadModelBytes();
        var rewritten = BatchDimension.MakeDynamic(original);
        if (ReferenceEquals(rewritten, original))
        {
            return this;
        }

        return new ModelPackage(Path, Manifest, rewritten, null, Name) { _sha256 = Sha256, _batchDynamic = true };
    }

    /// <summary>SHA-256 of the ONNX file, lower-case hex (streamed for files: no second copy of the weights in memory).</summary>
    public string Sha256 => _sha256 ??= ComputeSha256();

    private string? _sha256;

    /// <summary>The whole ONNX model in memory (both package kinds); for tools that need the bytes.</summary>
    public byte[] ReadModelBytes() => ModelBytes ?? File.ReadAllBytes(ModelFilePath!);

    private string ComputeSha256()
    {
        if (ModelBytes is not null)
        {
            return Convert.ToHexStringLower(SHA256.HashData(ModelBytes));
        }

        using var stream = new FileStream(ModelFilePath!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Opens a package folder or .zip (its files at the root or under one top folder).</summary>
    /// <exception cref="ModelPackageException">Anything missing or unreadable, named.</exception>
    public static ModelPackage Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            return OpenFolder(fullPath);
        }

        if (File.Exists(fullPath))
        {
            return OpenZip(fullPath);
        }

        throw new ModelPackageException($"Model package '{fullPath}' does not exist (expected a folder or a .zip with {ModelManifest.FileName} and {ModelManifest.DefaultModelFileName}).");
    }

    /// <summary>Parses manifest JSON, naming what is wrong.</summary>
    public static ModelManifest ParseManifest(ReadOnlySpan<byte> json, string source)
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

    private static ModelPackage OpenFolder(string folder)
    {
        var manifestPath = System.IO.Path.Combine(folder, ModelManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new ModelPackageException($"Model package '{folder}' has no {ModelManifest.FileName}.");
        }

        var manifest = ParseManifest(File.ReadAllBytes(manifestPath), manifestPath);
        var modelPath = System.IO.Path.Combine(folder, ModelFileName(manifest));
        if (!File.Exists(modelPath))
        {
            throw new ModelPackageException($"Model package '{folder}' has no {ModelFileName(manifest)} (named by {ModelManifest.FileName}).");
        }

        return new ModelPackage(folder, manifest, null, modelPath, manifest.Name ?? new DirectoryInfo(folder).Name);
    }

    private static ModelPackage OpenZip(string zipPath)
    {
        try
        {
            using var archive = ZipFile.OpenRead(zipPath);
            var manifestEntry = archive.Entries
                .Where(e => e.Name == ModelManifest.FileName && e.FullName.Count(c => c == '/') <= 1)
                .OrderBy(e => e.FullName.Length)
                .FirstOrDefault()
                ?? throw new ModelPackageException($"Model package '{zipPath}' has no {ModelManifest.FileName} at its root or in one top folder.");
            var prefix = manifestEntry.FullName[..^manifestEntry.Name.Length];
            var manifest = ParseManifest(ReadEntry(manifestEntry), $"{zipPath}!{manifestEntry.FullName}");
            var modelEntry = archive.GetEntry(prefix + ModelFileName(manifest))
                ?? throw new ModelPackageException($"Model package '{zipPath}' has no {prefix}{ModelFileName(manifest)}.");
            var name = manifest.Name ?? (prefix.Length > 0 ? prefix.TrimEnd('/') : System.IO.Path.GetFileNameWithoutExtension(zipPath));
            return new ModelPackage(zipPath, manifest, ReadEntry(modelEntry), null, name);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelPackageException($"Model package '{zipPath}' is neither a folder nor a readable .zip: {ex.Message}", ex);
        }
    }

    private static string ModelFileName(ModelManifest manifest) => manifest.ModelFile ?? ModelManifest.DefaultModelFileName;

    private static byte[] ReadEntry(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream(checked((int)entry.Length));
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
