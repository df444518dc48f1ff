using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Recipes;

/// <summary>A parsed recipe: typed access to the keys the emulator uses (read case-insensitively), over the whole document.</summary>
public sealed class ComponentRecipe
{
    internal ComponentRecipe(JsonObject document, string? sourcePath = null)
    {
        Document = document;
        SourcePath = sourcePath;
        ComponentName = document.MemberText("ComponentName") ?? throw new RecipeException("The recipe has no ComponentName.");
        ComponentVersion = document.MemberText("ComponentVersion") ?? "0.0.0";
    }

    /// <summary>The whole recipe as JSON.</summary>
    public JsonObject Document { get; }

    /// <summary>The file it was read from, when known.</summary>
    public string? SourcePath { get; }

    /// <summary><c>ComponentName</c>.</summary>
    public string ComponentName { get; }

    /// <summary><c>ComponentVersion</c>.</summary>
    public string ComponentVersion { get; }

    /// <summary><c>ComponentConfiguration.DefaultConfiguration</c> (a copy; empty when absent).</summary>
    public JsonObject DefaultConfiguration =>
        (Document.Member("ComponentConfiguration") as JsonObject).Member("DefaultConfiguration") is JsonObject defaults ? (JsonObject)defaults.DeepClone() : [];

    /// <summary>Names of <c>ComponentDependencies</c>.</summary>
    public IReadOnlyList<string> Dependencies => [.. ComponentDependencies.Select(d => d.Name)];

    /// <summary>
    /// <c>ComponentDependencies</c>, typed: a missing <c>VersionRequirement</c> reads as <c>*</c> here (the deployment's
    /// <see cref="RecipeRules"/> refuse it, as the nucleus does), a missing <c>DependencyType</c> as HARD.
    /// </summary>
    /// <exception cref="RecipeException">A DependencyType other than HARD or SOFT.</exception>
    public IReadOnlyList<ComponentDependency> ComponentDependencies =>
        Document.Member("ComponentDependencies") is JsonObject dependencies
            ? [.. dependencies.Select(d => new ComponentDependency(
                d.Key,
                (d.Value as JsonObject).MemberText("VersionRequirement") ?? "*",
                ParseDependencyType((d.Value as JsonObject).MemberText("DependencyType"), d.Key)))]
            : [];

    /// <summary>The <c>Manifests</c> entries.</summary>
    public IReadOnlyList<JsonObject> Manifests =>
        Document.Member("Manifests") is JsonArray manifests ? [.. manifests.OfType<JsonObject>()] : [];

    /// <summary>The top-level <c>Lifecycle</c> (used when the selected manifest has none).</summary>
    public JsonObject? GlobalLifecycle => Document.Member("Lifecycle") as JsonObject;

    /// <summary>The artifacts of a manifest.</summary>
    /// <exception cref="RecipeException">An artifact the nucleus would not read.</exception>
    public static IReadOnlyList<ComponentArtifact> Artifacts(JsonObject? manifest) =>
        manifest.Member("Artifacts") is JsonArray artifacts ? [.. artifacts.OfType<JsonObject>().Select(ComponentArtifact.Parse)] : [];

    private static DependencyType ParseDependencyType(string? value, string dependency) => value?.ToUpperInvariant() switch
    {
        null or "HARD" => DependencyType.Hard,
        "SOFT" => DependencyType.Soft,
        var other => throw new RecipeException($"DependencyType '{other}' of dependency {dependency} is not one of HARD, SOFT"),
    };
}
