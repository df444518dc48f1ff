using EdgeInference.Core.Inference;
using System.Security.Cryptography;
using EdgeInference.Core.Manifest;
using EdgeInference.Core.Packages;

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

    /// <summary>Opens a package folder or .zip (its files at the root or under one top folder) with the package rules of <see cref="PackageReader"/>.</summary>
    /// <exception cref="ModelPackageException">Anything missing, unreadable or over a limit, named (with its <see cref="PackageErrorCodes"/> code).</exception>
    public static ModelPackage Open(string path, PackageLimits? limits = null)
    {
        using var reader = PackageReader.Open(path, limits);
        var (manifest, _) = reader.ReadManifest();
        var modelFile = manifest.ModelFile ?? ModelManifest.DefaultModelFileName;
        if (!PackagePaths.IsInside(modelFile))
        {
            throw new ModelPackageException(
                $"Model package '{reader.Path}' names ModelFile '{modelFile}', which is outside the package ({PackageErrorCodes.PackagePathOutside}).",
                PackageErrorCodes.PackagePathOutside);
        }

        var modelEntry = reader.Find(modelFile)
            ?? throw new ModelPackageException(reader.IsZip
                ? $"Model package '{reader.Path}' has no {(reader.TopFolder is { } top ? top + "/" : string.Empty)}{modelFile}."
                : $"Model package '{reader.Path}' has no {modelFile} (named by {ModelManifest.FileName}).");
        var name = manifest.Name ?? reader.TopFolder ?? (reader.IsZip ? System.IO.Path.GetFileNameWithoutExtension(reader.Path) : new DirectoryInfo(reader.Path).Name);
        return reader.IsZip
            ? new ModelPackage(reader.Path, manifest, reader.ReadAllBytes(modelEntry), null, name)
            : new ModelPackage(reader.Path, manifest, null, reader.FilePathOf(modelEntry), name);
    }
}
