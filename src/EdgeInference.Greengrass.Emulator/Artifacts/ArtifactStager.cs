using System.Security.Cryptography;
using EdgeInference.Greengrass.Emulator.Recipes;

namespace EdgeInference.Greengrass.Emulator.Artifacts;

/// <summary>Where a component's artifacts live under the emulated root, as NucleusPaths lays them out.</summary>
/// <param name="ArtifactsPath"><c>&lt;root&gt;/packages/artifacts/&lt;name&gt;/&lt;version&gt;</c>.</param>
/// <param name="DecompressedPath"><c>&lt;root&gt;/packages/artifacts-unarchived/&lt;name&gt;/&lt;version&gt;</c>.</param>
internal sealed record ArtifactFolders(string ArtifactsPath, string DecompressedPath)
{
    public static ArtifactFolders Under(string rootPath, string componentName, string componentVersion) => new(
        Path.Combine(rootPath, "packages", "artifacts", componentName, componentVersion),
        Path.Combine(rootPath, "packages", "artifacts-unarchived", componentName, componentVersion));
}

/// <summary>
/// Prepares one component's artifacts as ComponentManager.prepareArtifacts does for a local deployment: the
/// component's artifact folder is copied into the component store, every artifact of the selected manifest must be
/// there (with the recipe's digest, when it has one: the nucleus would download it again, the emulator cannot), its
/// Permission is applied, and <c>Unarchive: ZIP</c> ones are unpacked into <c>decompressedPath/&lt;file name without
/// extension&gt;</c> with the same Permission.
/// </summary>
internal static class ArtifactStager
{
    /// <summary>Copies, checks, unpacks and sets modes.</summary>
    /// <param name="componentId">e.g. <c>com.example.A-v1.0.0</c>, for messages.</param>
    /// <param name="artifacts">The selected manifest's artifacts.</param>
    /// <param name="sourceFolder">Where the user keeps them (<c>&lt;artifactDir&gt;/&lt;name&gt;/&lt;version&gt;</c>); may be absent.</param>
    /// <param name="folders">Where they go.</param>
    /// <param name="limits">Unpacking bounds.</param>
    /// <param name="cancellationToken">Stops between files.</param>
    /// <exception cref="ArtifactMissingException">An artifact is not in <paramref name="sourceFolder"/>, or its digest differs.</exception>
    /// <exception cref="ArchiveException">An archive broke a rule.</exception>
    public static void Stage(
        string componentId, IReadOnlyList<ComponentArtifact> artifacts, string? sourceFolder, ArtifactFolders folders, ArchiveLimits limits, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(folders.ArtifactsPath);
        Directory.CreateDirectory(folders.DecompressedPath);
        if (sourceFolder is not null && Directory.Exists(sourceFolder)
            && !string.Equals(Path.GetFullPath(sourceFolder), Path.GetFullPath(folders.ArtifactsPath), StringComparison.Ordinal))
        {
            CopyFolder(sourceFolder, folders.ArtifactsPath, cancellationToken);
        }

        foreach (var artifact in artifacts.Where(a => !a.IsDockerImage))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = Path.Combine(folders.ArtifactsPath, artifact.FileName);
            if (!File.Exists(file))
            {
                throw new ArtifactMissingException(componentId,
                    $"artifact {artifact.FileName} (from {artifact.Uri}) is not in {sourceFolder ?? "the artifacts folder"}, and the emulator does not download artifacts");
            }

            CheckDigest(componentId, artifact, file);
            ArtifactPermissions.Apply(file, artifact.Read, artifact.Execute);
            if (artifact.Unarchive)
            {
                var destination = Path.Combine(folders.DecompressedPath, FileNameWithoutExtension(artifact.FileName));
                SafeZipExtractor.Extract(file, destination, limits, cancellationToken);
                ArtifactPermissions.Apply(destination, artifact.Read, artifact.Execute);
            }
        }
    }

    /// <summary>ComponentManager.getFileName: the name up to its last dot, unless the only dot starts it.</summary>
    internal static string FileNameWithoutExtension(string fileName) =>
        fileName.IndexOf('.', StringComparison.Ordinal) > 0 ? fileName[..fileName.LastIndexOf('.')] : fileName;

    private static void CheckDigest(string componentId, ComponentArtifact artifact, string file)
    {
        if (string.IsNullOrEmpty(artifact.Digest) || string.IsNullOrEmpty(artifact.Algorithm))
        {
            return;
        }

        using HashAlgorithm? hash = artifact.Algorithm.ToUpperInvariant().Replace("-", string.Empty, StringComparison.Ordinal) switch
        {
            "SHA256" => SHA256.Create(),
            "SHA384" => SHA384.Create(),
            "SHA512" => SHA512.Create(),
            "SHA1" => SHA1.Create(),
            "MD5" => MD5.Create(),
            _ => null,
        };
        if (hash is null)
        {
            throw new ArtifactMissingException(componentId, $"artifact {artifact.FileName} has digest algorithm {artifact.Algorithm}, which the emulator cannot compute");
        }

        using var stream = File.OpenRead(file);
        var actual = Convert.ToBase64String(hash.ComputeHash(stream));
        if (actual != artifact.Digest)
        {
            throw new ArtifactMissingException(componentId,
                $"artifact {artifact.FileName} does not match the recipe's {artifact.Algorithm} digest (the nucleus would download it again; the emulator does not download artifacts)");
        }
    }

    /// <summary>Copies the tree, listed before copying and without the destination itself when it lies inside the source.</summary>
    private static void CopyFolder(string source, string destination, CancellationToken cancellationToken)
    {
        var excluded = Path.GetFullPath(destination) + Path.DirectorySeparatorChar;
        bool Outside(string path) => !(Path.GetFullPath(path) + Path.DirectorySeparatorChar).StartsWith(excluded, StringComparison.Ordinal);
        var folders = Directory.GetDirectories(source, "*", SearchOption.AllDirectories).Where(Outside).ToList();
        var files = Directory.GetFiles(source, "*", SearchOption.AllDirectories).Where(Outside).ToList();
        foreach (var folder in folders)
        {
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, folder)));
        }

        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            File.Copy(file, Path.Combine(destination, Path.GetRelativePath(source, file)), overwrite: true);
        }
    }
}
