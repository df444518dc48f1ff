using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Recipes;

/// <summary>Greengrass (and GDK) read recipe keys case-insensitively; these helpers do the same.</summary>
public static class RecipeJsonExtensions
{
    public static JsonNode? GetIgnoreCase(this JsonObject obj, string name) =>
        obj.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public static string? GetStringIgnoreCase(this JsonObject obj, string name) =>
        obj.GetIgnoreCase(name) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Sets the value under the existing key's spelling, or adds <paramref name="name"/>.</summary>
    public static void SetIgnoreCase(this JsonObject obj, string name, JsonNode? value)
    {
        var existing = obj.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Key;
        obj[existing ?? name] = value;
    }

    /// <summary>Every artifact object of every manifest, with the manifest it belongs to.</summary>
    public static IEnumerable<(JsonObject Manifest, JsonObject Artifact)> Artifacts(this JsonObject recipe)
    {
        if (recipe.GetIgnoreCase("Manifests") is not JsonArray manifests)
        {
            yield break;
        }

        foreach (var manifest in manifests.OfType<JsonObject>())
        {
            if (manifest.GetIgnoreCase("Artifacts") is not JsonArray artifacts)
            {
                continue;
            }

            foreach (var artifact in artifacts.OfType<JsonObject>())
            {
                yield return (manifest, artifact);
            }
        }
    }
}
