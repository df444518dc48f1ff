using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeInference.Greengrass.Emulator.Recipes;

/// <summary>
/// Reads a recipe (YAML or JSON) into a JSON tree. YAML plain scalars get YAML 1.2 core-schema types (numbers, booleans,
/// null), as the nucleus's Jackson YAML reader gives them; quoted scalars stay strings.
/// </summary>
public static partial class RecipeLoader
{
    /// <summary>Loads <paramref name="path"/>; <c>.json</c> files as JSON, anything else as YAML (a JSON document is valid YAML too).</summary>
    /// <exception cref="RecipeException">Unreadable or not a mapping at the top level.</exception>
    public static async Task<ComponentRecipe> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RecipeException($"Cannot read the recipe '{path}': {ex.Message}", ex);
        }

        return Parse(text, path.EndsWith(".json", StringComparison.OrdinalIgnoreCase), path);
    }

    /// <summary>Parses recipe text.</summary>
    /// <exception cref="RecipeException">Not valid YAML/JSON, or not a mapping at the top level.</exception>
    public static ComponentRecipe Parse(string text, bool isJson = false) => Parse(text, isJson, null);

    private static ComponentRecipe Parse(string text, bool isJson, string? sourcePath)
    {
        JsonNode? root;
        try
        {
            root = isJson ? JsonNode.Parse(text) : YamlToJson(text);
        }
        catch (Exception ex) when (ex is JsonException or YamlException)
        {
            throw new RecipeException($"The recipe is not valid {(isJson ? "JSON" : "YAML")}: {ex.Message}", ex);
        }

        return root is JsonObject document
            ? new ComponentRecipe(document, sourcePath)
            : throw new RecipeException("The recipe must be a mapping (RecipeFormatVersion, ComponentName, ...).");
    }

    /// <summary>Converts the first YAML document of <paramref name="yaml"/> to JSON (null when empty).</summary>
    public static JsonNode? YamlToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(
            pair => KeyValuePair.Create(((YamlScalarNode)pair.Key).Value ?? string.Empty, Convert(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => throw new RecipeException($"Unsupported YAML node at {node.Start}."),
    };

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (value.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(value[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }

        if (value.Length > 0 && (char.IsAsciiDigit(value[0]) || value[0] is '-' or '+' or '.')
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            // Kept as written when it is JSON number text, so "1.0" reads back as 1.0 (as Jackson prints the double).
            return JsonNumberText().IsMatch(value) ? JsonNode.Parse(value) : JsonValue.Create(real);
        }

        return JsonValue.Create(value);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex JsonNumberText();
}
