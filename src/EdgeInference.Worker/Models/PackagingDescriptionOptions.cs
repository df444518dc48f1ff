using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Core.Json;
using EdgeInference.Core.Packaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Models;

/// <summary>
/// The <c>ModelPackagingDescription</c> configuration section (Lookout-shaped packaging metadata), read with the
/// contract's own JSON rules; it wins over the package manifest's. Equal when the descriptions' JSON is equal.
/// </summary>
public sealed record PackagingDescriptionOptions
{
    public const string SectionName = "ModelPackagingDescription";

    public ModelPackagingDescription? Description { get; private set; }

    /// <summary>The description's canonical JSON (value equality).</summary>
    public string? Json { get; private set; }

    public bool Equals(PackagingDescriptionOptions? other) => other is not null && string.Equals(Json, other.Json, StringComparison.Ordinal);

    public override int GetHashCode() => Json?.GetHashCode(StringComparison.Ordinal) ?? 0;

    /// <summary>Reads the section from <paramref name="configuration"/>.</summary>
    /// <exception cref="OptionsValidationException">The section is not a valid ModelPackagingDescription.</exception>
    public static PackagingDescriptionOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        return section.Exists() ? FromNode(ConfigurationJson.ToNode(section)) : new PackagingDescriptionOptions();
    }

    /// <summary>Reads a description from JSON (a model component's configuration).</summary>
    /// <exception cref="OptionsValidationException">It is not a valid ModelPackagingDescription.</exception>
    public static PackagingDescriptionOptions FromNode(JsonNode? node)
    {
        if (node is null)
        {
            return new PackagingDescriptionOptions();
        }

        try
        {
            var description = node.Deserialize(CoreJsonContext.Default.ModelPackagingDescription);
            return new PackagingDescriptionOptions
            {
                Description = description,
                Json = description is null ? null : JsonSerializer.Serialize(description, CoreJsonContext.Default.ModelPackagingDescription),
            };
        }
        catch (JsonException ex)
        {
            throw new OptionsValidationException(SectionName, typeof(PackagingDescriptionOptions), [$"{SectionName} is not a valid ModelPackagingDescription: {ex.Message}"]);
        }
    }
}

/// <summary>Turns configuration back into JSON: configuration keeps every value as a string and arrays as "0", "1", ... keys.</summary>
public static class ConfigurationJson
{
    public static JsonNode? ToNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value is null ? null : JsonValue.Create(section.Value);
        }

        if (children.Select((c, i) => c.Key == i.ToString(CultureInfo.InvariantCulture)).All(x => x))
        {
            var array = new JsonArray();
            foreach (var child in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)))
            {
                array.Add(ToNode(child));
            }

            return array;
        }

        var obj = new JsonObject();
        foreach (var child in children)
        {
            obj[child.Key] = ToNode(child);
        }

        return obj;
    }
}
