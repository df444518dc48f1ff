namespace EdgeInference.Packaging.Store;

/// <summary>Writes files and folders so a reader sees the old state or the new one, never half of it (temp + rename).</summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>A fresh hidden folder next to <paramref name="finalPath"/> to fill before <see cref="PublishDirectory"/>.</summary>
    public static string CreateStagingDirectory(string finalPath)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(finalPath))!;
        var staging = Path.Combine(parent, $".{Path.GetFileName(finalPath)}.{Guid.NewGuid():N}.staging");
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>Renames a filled staging folder into place; an existing folder at <paramref name="finalPath"/> is replaced.</summary>
    public static void PublishDirectory(string stagingPath, string finalPath)
    {
        if (Directory.Exists(finalPath))
        {
            var old = finalPath + $".{Guid.NewGuid():N}.old";
            Directory.Move(finalPath, old);
            Directory.Move(stagingPath, finalPath);
            TryDeleteDirectory(old);
            return;
        }

        Directory.Move(stagingPath, finalPath);
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
