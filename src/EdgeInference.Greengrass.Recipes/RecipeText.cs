using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Recipes.Yaml;

namespace EdgeInference.Greengrass.Recipes;

/// <summary>Recipe files in either format: read by extension (<c>.json</c> is JSON, anything else YAML), written in a chosen format.</summary>
public static class RecipeText
{
    private static readonly JsonSerializerOptions IndentedJson = new()
    {
        WriteIndented = true,
        IndentSize = 4,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The format a recipe file's name implies.</summary>
    public static RecipeFormat FormatOf(string path) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? RecipeFormat.Json : RecipeFormat.Yaml;

    /// <summary>The file extension (without the dot) of a format.</summary>
    public static string Extension(RecipeFormat format) => format == RecipeFormat.Json ? "json" : "yaml";

    /// <exception cref="RecipeFormatException">The text is not a recipe mapping in <paramref name="format"/>.</exception>
    public static JsonObject Parse(string text, RecipeFormat format)
    {
        if (format == RecipeFormat.Yaml)
        {
            return RecipeYaml.Parse(text);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new RecipeFormatException($"The recipe is not valid JSON: {ex.Message}", ex);
        }

        return root as JsonObject
            ?? throw new RecipeFormatException("The recipe's top level must be an object (RecipeFormatVersion, ComponentName, ...).");
    }

    /// <summary>The recipe's text: YAML (as <see cref="YamlJson"/> writes it) or JSON indented by four spaces, both ending with a newline.</summary>
    public static string Serialize(JsonObject recipe, RecipeFormat format, bool explicitDocumentStart = false) =>
        format == RecipeFormat.Json ? recipe.ToJsonString(IndentedJson) + "\n" : YamlJson.ToYaml(recipe, explicitDocumentStart);

    /// <exception cref="RecipeFormatException">The file is not a recipe in the format its name implies.</exception>
    public static async Task<JsonObject> ReadFileAsync(string path, CancellationToken cancellationToken = default) =>
        Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), FormatOf(path));
}
