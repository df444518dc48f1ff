using System.IO.Compression;

namespace EdgeInference.Greengrass.Emulator.Artifacts;

/// <summary>
/// Unpacks a ZIP artifact like the nucleus's Unarchiver (entries into the folder, folders created, the folder removed
/// again when anything fails, no file modes restored — the recipe's Permission sets them), within
/// <see cref="ArchiveLimits"/>, refusing any entry that would land outside the folder: <c>..</c> escapes and absolute
/// paths (the nucleus's "Entry is outside of the target dir") and symbolic links. Every refusal names the archive, the
/// entry and the rule.
/// </summary>
internal static class SafeZipExtractor
{
    private const int BufferSize = 64 * 1024;
    private const int UnixFileTypeMask = 0xF000;
    private const int UnixSymbolicLink = 0xA000;

    /// <summary>Unpacks <paramref name="zipPath"/> into <paramref name="destination"/>.</summary>
    /// <returns>The number of files written.</returns>
    /// <exception cref="ArchiveException">A limit or rule was broken, or the archive is unreadable; nothing is left behind.</exception>
    public static int Extract(string zipPath, string destination, ArchiveLimits limits, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(destination);
        try
        {
            Directory.CreateDirectory(root);
            return ExtractInto(zipPath, root, limits, cancellationToken);
        }
        catch (Exception ex) when (ex is ArchiveException or IOException or InvalidDataException or UnauthorizedAccessException or OperationCanceledException)
        {
            TryDelete(root);
            if (ex is ArchiveException or OperationCanceledException)
            {
                throw;
            }

            throw new ArchiveException(zipPath, string.Empty, $"could not be unpacked: {ex.Message}", ex);
        }
    }

    private static int ExtractInto(string zipPath, string root, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        using var archive = ZipFile.OpenRead(zipPath);
        var entries = archive.Entries;
        if (entries.Count > limits.MaxEntries)
        {
            throw new ArchiveException(zipPath, entries[limits.MaxEntries].FullName,
                $"is entry number {limits.MaxEntries + 1}; an archive may hold at most {limits.MaxEntries} entries (limit: maximum entries)");
        }

        var rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        long total = 0;
        var files = 0;
        var buffer = new byte[BufferSize];
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = TargetPath(zipPath, entry, root, rootWithSeparator);
            if (entry.FullName.EndsWith('/'))
            {
                Directory.CreateDirectory(target);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            total = Copy(zipPath, entry, target, total, limits, buffer);
            files++;
        }

        return files;
    }

    /// <summary>Where the entry goes, after the traversal and link rules.</summary>
    private static string TargetPath(string zipPath, ZipArchiveEntry entry, string root, string rootWithSeparator)
    {
        var name = entry.FullName;
        if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArchiveException(zipPath, name, "has an empty or NUL-containing name");
        }

        if (((entry.ExternalAttributes >> 16) & UnixFileTypeMask) == UnixSymbolicLink)
        {
            throw new ArchiveException(zipPath, name, "is a symbolic link; links could point outside the destination folder (rule: no links)");
        }

        if (name.StartsWith('/') || name.StartsWith('\\') || (name.Length > 1 && name[1] == ':') || Path.IsPathRooted(name))
        {
            throw new ArchiveException(zipPath, name, "is an absolute path (rule: entries stay inside the destination folder)");
        }

        var target = Path.GetFullPath(Path.Combine(root, name));
        if (!target.StartsWith(rootWithSeparator, StringComparison.Ordinal) && target != root)
        {
            throw new ArchiveException(zipPath, name, "is outside of the target dir (rule: entries stay inside the destination folder; no ../ escapes)");
        }

        return target;
    }

    private static long Copy(string zipPath, ZipArchiveEntry entry, string target, long total, ArchiveLimits limits, byte[] buffer)
    {
        if (entry.Length > limits.MaxUnpackedBytes - total)
        {
            throw TooLarge(zipPath, entry, limits);
        }

        long written = 0;
        using var source = entry.Open();
        using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize);
        int read;
        while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
        {
            written += read;
            total += read;
            if (total > limits.MaxUnpackedBytes)
            {
                throw TooLarge(zipPath, entry, limits);
            }

            if (written >= ArchiveLimits.RatioCheckedFromBytes && written > Math.Max(entry.CompressedLength, 1) * limits.MaxCompressionRatio)
            {
                throw new ArchiveException(zipPath, entry.FullName,
                    $"expands more than {limits.MaxCompressionRatio}:1 ({entry.CompressedLength} compressed bytes gave over {written}) (limit: maximum compression ratio)");
            }

            output.Write(buffer, 0, read);
        }

        return total;
    }

    private static ArchiveException TooLarge(string zipPath, ZipArchiveEntry entry, ArchiveLimits limits) =>
        new(zipPath, entry.FullName, $"takes the archive past {limits.MaxUnpackedBytes} unpacked bytes (limit: maximum unpacked bytes)");

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort, as the nucleus's cleanup.
        }
    }
}
