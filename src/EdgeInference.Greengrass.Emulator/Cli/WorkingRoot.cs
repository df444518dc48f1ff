namespace EdgeInference.Greengrass.Emulator.Cli;

/// <summary>
/// The emulated Greengrass root of one run. A folder the run creates (a new temp folder by default) is removed whole
/// on exit; in a folder that existed before, only what the emulator writes there (<c>packages</c>, <c>work</c>, the
/// socket) is removed.
/// </summary>
internal sealed class WorkingRoot
{
    private readonly bool _created;

    private WorkingRoot(string path, bool created)
    {
        Path = path;
        _created = created;
    }

    /// <summary>The root folder.</summary>
    public string Path { get; }

    /// <summary>Uses <paramref name="rootPath"/>, or a new temp folder when null.</summary>
    public static WorkingRoot Create(string? rootPath)
    {
        if (rootPath is null)
        {
            return new WorkingRoot(Directory.CreateTempSubdirectory("gg-emulator-").FullName, created: true);
        }

        var full = System.IO.Path.GetFullPath(rootPath);
        var existed = Directory.Exists(full);
        Directory.CreateDirectory(full);
        return new WorkingRoot(full, created: !existed);
    }

    /// <summary>Removes the working folders (best effort).</summary>
    public void Remove()
    {
        if (_created)
        {
            TryDelete(Path);
            return;
        }

        TryDelete(System.IO.Path.Combine(Path, "packages"));
        TryDelete(System.IO.Path.Combine(Path, "work"));
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // What cannot be removed stays; the run's result does not depend on it.
        }
    }
}
