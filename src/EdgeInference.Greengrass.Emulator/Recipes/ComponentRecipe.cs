using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Recipes;

/// <summary>A parsed recipe: typed access to the keys the runner uses, over the whole document.</summary>
public sealed class ComponentRecipe
{
    internal ComponentRecipe(JsonObject document)
    {
        Document = document;
        ComponentName = Text(document, "ComponentName") ?? throw new RecipeException("The recipe has no ComponentName.");
        ComponentVersion = Text(document, "ComponentVersion") ?? "0.0.0";
    }

    /// <summary>The whole recipe as JSON.</summary>
    public JsonObject Document { get; }

    /// <summary><c>ComponentName</c>.</summary>
    public string ComponentName { get; }

    /// <summary><c>ComponentVersion</c>.</summary>
    public string ComponentVersion { get; }

    /// <summary><c>ComponentConfiguration.DefaultConfiguration</c> (a copy; empty when absent).</summary>
    public JsonObject DefaultConfiguration =>
        Document["ComponentConfiguration"]?["DefaultConfiguration"] is JsonObject defaults ? (JsonObject)defaults.DeepClone() : [];

    /// <summary>Names of <c>ComponentDependencies</c>.</summary>
    public IReadOnlyList<string> Dependencies =>
        Document["ComponentDependencies"] is JsonObject dependencies ? [.. dependencies.Select(d => d.Key)] : [];

    /// <summary>The <c>Manifests</c> entries.</summary>
    public IReadOnlyList<JsonObject> Manifests =>
        Document["Manifests"] is JsonArray manifests ? [.. manifests.OfType<JsonObject>()] : [];

    /// <summary>The top-level <c>Lifecycle</c> (used when the selected manifest has none).</summary>
    public JsonObject? GlobalLifecycle => Document["Lifecycle"] as JsonObject;

    private static string? Text(JsonObject document, string key) => document[key]?.ToString();
}
