namespace EdgeInference.Components.Build;

/// <summary>
/// GDK's build folder: <c>recipes/</c> and <c>artifacts/NAME/VERSION/</c>. Preparing it creates what is missing and
/// removes nothing; a folder that holds anything else is refused rather than written into.
/// </summary>
public sealed class GdkBuildLayout
{
    private static readonly HashSet<string> GdkEntries = new(StringComparer.Ordinal) { "recipes", "artifacts" };

    private GdkBuildLayout(string buildDirectory, string componentName, string componentVersion)
    {
        BuildDirectory = buildDirectory;
        RecipesDirectory = Path.Combine(buildDirectory, "recipes");
        ArtifactsDirectory = Path.Combine(buildDirectory, "artifacts", componentName, componentVersion);
    }

    public string BuildDirectory { get; }

    public string RecipesDirectory { get; }

    /// <summary>artifacts/NAME/VERSION/: every file in it is an artifact GDK's publish uploads.</summary>
    public string ArtifactsDirectory { get; }

    /// <exception cref="ComponentBuildException">The folder exists and holds something other than recipes/ and artifacts/.</exception>
    public static GdkBuildLayout Prepare(string buildDirectory, string componentName, string componentVersion)
    {
        var layout = new GdkBuildLayout(Path.GetFullPath(buildDirectory), componentName, componentVersion);
        if (File.Exists(layout.BuildDirectory))
        {
            throw new ComponentBuildException($"{layout.BuildDirectory} is a file, not a build folder.");
        }

        if (Directory.Exists(layout.BuildDirectory))
        {
            var foreign = Directory.EnumerateFileSystemEntries(layout.BuildDirectory)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(name => !GdkEntries.Contains(name))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (foreign.Count > 0)
            {
                throw new ComponentBuildException(
                    $"{layout.BuildDirectory} is not a Greengrass build folder (it holds {string.Join(", ", foreign.Take(5))}{(foreign.Count > 5 ? ", ..." : string.Empty)}); "
                    + "nothing was written. Pass --output with a new or empty folder, or one that holds only recipes/ and artifacts/.");
            }
        }

        Directory.CreateDirectory(layout.RecipesDirectory);
        Directory.CreateDirectory(layout.ArtifactsDirectory);
        return layout;
    }

    /// <summary>File names of the worker zips already in the artifacts folder.</summary>
    public IEnumerable<string> WorkerArchives() =>
        Directory.EnumerateFiles(ArtifactsDirectory, ArtifactZipper.ArchiveStem("*") + ".zip")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal);
}
