using System.IO.Compression;

namespace EdgeInference.Components.Build;

/// <summary>
/// Zips a published worker folder as <c>edge-inference-worker-RID.zip</c> with the files at the zip's root:
/// Greengrass unpacks <c>Unarchive: ZIP</c> artifacts into <c>{artifacts:decompressedPath}/&lt;zip name&gt;/</c>, so the
/// binary lands at <c>.../edge-inference-worker-RID/EdgeInference.Worker</c>, where the recipe runs it. Entries are sorted and time-stamped alike so equal inputs give equal
/// zips, and Unix modes are kept so the worker binary stays executable after <c>Unarchive: ZIP</c>.
/// </summary>
public static class ArtifactZipper
{
    public const string WorkerBinaryName = "EdgeInference.Worker";

    private static readonly DateTimeOffset FixedTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string ArchiveStem(string rid, string variant = WorkerVariant.Cpu) => $"edge-inference-worker-{rid}{WorkerVariant.Suffix(variant)}";

    public static string ArchiveFileName(string rid, string variant = WorkerVariant.Cpu) => ArchiveStem(rid, variant) + ".zip";

    /// <summary>Creates <c>outputDirectory/edge-inference-worker-RID[-gpu].zip</c> from <paramref name="publishDirectory"/>.</summary>
    /// <exception cref="ComponentBuildException">No worker in the folder, or a GPU variant without the CUDA provider library.</exception>
    public static string Zip(string publishDirectory, string rid, string outputDirectory, string variant = WorkerVariant.Cpu)
    {
        if (!Directory.Exists(publishDirectory))
        {
            throw new ComponentBuildException($"The publish folder {publishDirectory} does not exist.");
        }

        if (!File.Exists(Path.Combine(publishDirectory, WorkerBinaryName)))
        {
            throw new ComponentBuildException(
                $"{publishDirectory} holds no {WorkerBinaryName}: it is not a self-contained worker publish for {rid}.");
        }

        if (variant == WorkerVariant.Gpu && !File.Exists(Path.Combine(publishDirectory, WorkerVariant.CudaProviderLibrary)))
        {
            throw new ComponentBuildException(
                $"{publishDirectory} holds no {WorkerVariant.CudaProviderLibrary}: it is not a GPU publish (dotnet publish {string.Join(' ', WorkerVariant.GpuPublishProperties)} restores Microsoft.ML.OnnxRuntime.Gpu.Linux).");
        }

        Directory.CreateDirectory(outputDirectory);
        var zipPath = Path.Combine(outputDirectory, ArchiveFileName(rid, variant));
        // Written beside the target and renamed over it, so a failed zip never replaces a good one.
        var partialPath = zipPath + ".partial";
        try
        {
            WriteArchive(publishDirectory, partialPath);
            File.Move(partialPath, zipPath, overwrite: true);
        }
        finally
        {
            File.Delete(partialPath);
        }

        return zipPath;
    }

    private static void WriteArchive(string publishDirectory, string zipPath)
    {
        using var stream = new FileStream(zipPath, FileMode.Create, FileAccess.Write);
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create);
        foreach (var directory in Directory.EnumerateDirectories(publishDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            AddDirectoryEntry(archive, $"{RelativeName(publishDirectory, directory)}/", directory);
        }

        foreach (var file in Directory.EnumerateFiles(publishDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var entry = archive.CreateEntry(RelativeName(publishDirectory, file), CompressionLevel.Optimal);
            entry.LastWriteTime = FixedTimestamp;
            entry.ExternalAttributes = UnixAttributes(file, isDirectory: false);
            using var input = File.OpenRead(file);
            using var output = entry.Open();
            input.CopyTo(output);
        }
    }

    private static void AddDirectoryEntry(ZipArchive archive, string name, string directory)
    {
        var entry = archive.CreateEntry(name, CompressionLevel.NoCompression);
        entry.LastWriteTime = FixedTimestamp;
        entry.ExternalAttributes = UnixAttributes(directory, isDirectory: true);
    }

    private static string RelativeName(string root, string path) =>
        Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>st_mode in the high 16 bits, as Info-ZIP writes it (S_IFREG 0100000, S_IFDIR 0040000).</summary>
    private static int UnixAttributes(string path, bool isDirectory)
    {
        var mode = OperatingSystem.IsWindows()
            ? (isDirectory ? 0b111_101_101 : 0b110_100_100)
            : (int)File.GetUnixFileMode(path);
        if (Path.GetFileName(path) == WorkerBinaryName && !isDirectory)
        {
            mode |= 0b001_001_001;
        }

        var type = isDirectory ? 0x4000 : 0x8000;
        return (type | mode) << 16;
    }
}
