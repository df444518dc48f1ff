namespace EdgeInference.Greengrass.Emulator.Deployments;

/// <summary>
/// What <c>greengrass-cli deployment create</c> sends: recipes and artifacts folders, root components to add with
/// their versions (<c>--merge NAME=VERSION</c>) and configuration updates (<c>--update-config</c>).
/// </summary>
public sealed class LocalDeploymentRequest
{
    /// <summary><c>--recipeDir</c>: every <c>*.yaml</c>, <c>*.yml</c> and <c>*.json</c> file under it (recursively) is a recipe.</summary>
    public required string RecipeDirectory { get; init; }

    /// <summary><c>--artifactDir</c>: artifacts laid out as <c>&lt;dir&gt;/&lt;name&gt;/&lt;version&gt;/</c>; null when no component has any.</summary>
    public string? ArtifactDirectory { get; init; }

    /// <summary><c>--merge</c>: root component name to version (an npm-style requirement; usually an exact version).</summary>
    public required IReadOnlyDictionary<string, string> RootComponents { get; init; }

    /// <summary><c>--update-config</c>, by component; applied to root components only, as the nucleus does.</summary>
    public IReadOnlyDictionary<string, ConfigurationUpdate> ConfigurationUpdates { get; init; } = new Dictionary<string, ConfigurationUpdate>();
}
