using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Xunit;

namespace EdgeInference.Testing.Components;

/// <summary>
/// Validates recipes and gdk-config files against GDK's own JSON schemas, which lie in <c>../shared/schemas</c> beside
/// development checkouts and CI clones (not in the repository). Tests that use them skip where they are absent.
/// Recipe keys are lower-cased first, as GDK does.
/// </summary>
public sealed class GdkSchemaValidator
{
    public const string RecipeSchemaFile = "greengrass-recipe.schema.json";
    public const string ConfigSchemaFile = "gdk-config.schema.json";

    private readonly JsonSchema _schema;

    private GdkSchemaValidator(JsonSchema schema) => _schema = schema;

    /// <summary><c>../shared/schemas/</c> beside the repository checkout, or null when absent.</summary>
    public static string? SchemaDirectory
    {
        get
        {
            var candidate = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "schemas"));
            return Directory.Exists(candidate) ? candidate : null;
        }
    }

    /// <summary>The path of one of GDK's schemas; skips the calling test when ../shared/schemas is absent.</summary>
    public static string RequireSchema(string file)
    {
        if (SchemaDirectory is not { } directory)
        {
            Assert.Skip("GDK's schemas (../shared/schemas) are not beside this checkout.");
            throw new InvalidOperationException("unreachable");
        }

        return Path.Combine(directory, file);
    }

    public static GdkSchemaValidator Load(string schemaPath)
    {
        // GDK's recipe schema gives sub-schemas "$id": "#/properties/X" (JSON-pointer-like fragments), which newer
        // validators treat as invalid anchors; they identify nothing, so they are dropped before building.
        var root = JsonNode.Parse(File.ReadAllText(schemaPath)) ?? throw new InvalidOperationException($"{schemaPath} is empty.");
        StripFragmentIds(root);
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var schema = JsonSchema.Build(JsonSerializer.SerializeToElement(root), options, new Uri("https://gdk.local/" + Path.GetFileName(schemaPath)));
        return new GdkSchemaValidator(schema);
    }

    /// <summary>Returns the schema's complaints (empty when valid).</summary>
    public IReadOnlyList<string> Validate(JsonNode instance, bool lowerCaseKeys)
    {
        var subject = lowerCaseKeys ? LowerCaseKeys(instance) : instance;
        var results = _schema.Evaluate(JsonSerializer.SerializeToElement(subject), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))
            .Distinct()
            .ToList();
        return errors.Count > 0 ? errors : ["the document does not match the schema."];
    }

    private static JsonNode? LowerCaseKeys(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key.ToLowerInvariant(), LowerCaseKeys(p.Value)))),
        JsonArray array => new JsonArray(array.Select(LowerCaseKeys).ToArray()),
        _ => node?.DeepClone(),
    };

    private static void StripFragmentIds(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$id"] is JsonValue id && id.TryGetValue<string>(out var text) && text.StartsWith('#'))
                {
                    obj.Remove("$id");
                }

                foreach (var (_, value) in obj.ToList())
                {
                    StripFragmentIds(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    StripFragmentIds(item);
                }

                break;
        }
    }
}
