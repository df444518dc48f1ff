using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Recipes;

/// <summary>What to run and where, for a <see cref="ComponentRunner"/>.</summary>
public sealed class ComponentRunOptions
{
    /// <summary>The component's recipe.</summary>
    public required ComponentRecipe Recipe { get; init; }

    /// <summary>The folder holding the component's artifacts (<c>{artifacts:path}</c>).</summary>
    public required string ArtifactsPath { get; init; }

    /// <summary>Artifact folders of dependencies, by component name (<c>{Name:artifacts:path}</c>); ZIP files in them are unpacked to their <c>decompressedPath</c>.</summary>
    public IReadOnlyDictionary<string, string> DependencyArtifacts { get; init; } = new Dictionary<string, string>();

    /// <summary>A deployment's <c>merge</c> configuration, merged over the recipe's DefaultConfiguration.</summary>
    public JsonObject? MergeConfiguration { get; init; }

    /// <summary>The emulated Greengrass root (<c>{kernel:rootPath}</c>, holding <c>work/</c> and <c>packages/</c>); a new temp folder when null.</summary>
    public string? RootPath { get; init; }

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
public sealed record ComponentOutputLine(string Step, bool IsStandardError, string Text, DateTimeOffset Timestamp);
