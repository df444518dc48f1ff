using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Recipes;

/// <summary>What to run and where, for a <see cref="ComponentRunner"/>.</summary>
public sealed class ComponentRunOptions
{
    /// <summary>The component's recipe.</summary>
    public required ComponentRecipe Recipe { get; init; }

    /// <summary>The folder holding the component's artifacts; copied to <c>{artifacts:path}</c> (<c>&lt;root&gt;/packages/artifacts/&lt;name&gt;/&lt;version&gt;</c>) as a deployment copies them.</summary>
    public required string ArtifactsPath { get; init; }

    /// <summary>
    /// Artifact folders of dependencies that are not run, by component name (<c>{Name:artifacts:path}</c>, used as given);
    /// ZIP files in them are unpacked to their <c>decompressedPath</c>. Only the recipe's declared dependencies are interpolated.
    /// </summary>
    public IReadOnlyDictionary<string, string> DependencyArtifacts { get; init; } = new Dictionary<string, string>();

    /// <summary>A deployment's <c>merge</c> configuration, merged over the recipe's DefaultConfiguration.</summary>
    public JsonObject? MergeConfiguration { get; init; }

    /// <summary>The emulated Greengrass root (<c>{kernel:rootPath}</c>, holding <c>work/</c> and <c>packages/</c>); when null, a new temp folder the runner deletes when disposed.</summary>
    public string? RootPath { get; init; }

    /// <summary>Bounds on unpacking ZIP artifacts.</summary>
    public Artifacts.ArchiveLimits ArchiveLimits { get; init; } = Artifacts.ArchiveLimits.Default;

    /// <summary>Time a stopped process gets between SIGTERM and SIGKILL.</summary>
    /// <value>Defaults to 5 s.</value>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Platform attributes for manifest selection; this machine's when null.</summary>
    public IReadOnlyDictionary<string, string>? Platform { get; init; }
}

/// <summary>One line a lifecycle script wrote.</summary>
/// <param name="Step">e.g. <c>Run</c>.</param>
/// <param name="IsStandardError">True for stderr.</param>
/// <param name="Text">The line, without its newline.</param>
/// <param name="Timestamp">When it was read.</param>
public sealed record ComponentOutputLine(string Step, bool IsStandardError, string Text, DateTimeOffset Timestamp)
{
    /// <summary>The component that wrote it (set by deployments and runners).</summary>
    public string ComponentName { get; init; } = string.Empty;
}
