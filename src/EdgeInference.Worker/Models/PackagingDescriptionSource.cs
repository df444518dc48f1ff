using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Core.Json;
using EdgeInference.Core.Packaging;
using Microsoft.Extensions.Configuration;

namespace EdgeInference.Worker.Models;

/// <summary>
/// The <c>ModelPackagingDescription</c> configuration section (a model component's DefaultConfiguration
/// carries it), read with the contract's own JSON rules; it wins over the package manifest's.
/// </summary>
public sealed class PackagingDescriptionSource
{
    public const string SectionName = "ModelPackagingDescription";

    public PackagingDescriptionSource(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        if (!section.Exists())
        {
            return;
        }

        try
        {
            Description = ToNode(section).Deserialize(CoreJsonContext.Default.ModelPackagingDescription);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"Configuration section {SectionName} is not a valid ModelPackagingDescription: {ex.Message}", ex);
        }
    }

    public ModelPackagingDescription? Description { get; }

    /// <summary>Configuration keeps every value as a string and arrays as "0", "1", ... keys; rebuild JSON from that.</summary>
    internal static JsonNode? ToNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value is null ? null : JsonValue.Create(section.Value);
        }

        if (children.Select((c, i) => c.Key == i.ToString(System.Globalization.CultureInfo.InvariantCulture)).All(x => x))
        {
            var array = new JsonArray();
            foreach (var child in children.OrderBy(c => int.Parse(c.Key, System.Globalization.CultureInfo.InvariantCulture)))
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
