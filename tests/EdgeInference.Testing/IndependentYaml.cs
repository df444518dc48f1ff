using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace EdgeInference.Testing;

/// <summary>
/// Reads YAML back with YamlDotNet's own deserializer (not the project's YAML helper), so a test of what we write is
/// not checked by the same code that wrote it.
/// </summary>
public static class IndependentYaml
{
    public static JsonNode ToJson(string yaml)
    {
        var value = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object>(yaml);
        return JsonSerializer.SerializeToNode(Normalize(value))!;
    }

    private static object? Normalize(object? value) => value switch
    {
        IDictionary<object, object> map => map.ToDictionary(p => p.Key.ToString()!, p => Normalize(p.Value)),
        IList<object> list => list.Select(Normalize).ToList(),
        _ => value,
    };
}
