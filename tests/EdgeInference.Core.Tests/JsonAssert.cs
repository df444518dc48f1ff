using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace EdgeInference.Core.Tests;

/// <summary>Structural checks on JSON text: exact property names and deep equality.</summary>
internal static class JsonAssert
{
    /// <summary>The object's property names, in document order.</summary>
    public static string[] PropertyNames(JsonNode? node) =>
        node is JsonObject obj ? obj.Select(p => p.Key).ToArray() : throw new InvalidOperationException($"Not a JSON object: {node?.ToJsonString()}");

    /// <summary>Asserts the object has exactly these properties (order ignored, case sensitive).</summary>
    public static void HasExactly(JsonNode? node, params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), PropertyNames(node).Order(StringComparer.Ordinal));

    public static void Equivalent(string expectedJson, string actualJson)
    {
        var expected = JsonNode.Parse(expectedJson);
        var actual = JsonNode.Parse(actualJson);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"JSON differs.{Environment.NewLine}expected: {expected?.ToJsonString()}{Environment.NewLine}actual:   {actual?.ToJsonString()}");
    }

    public static JsonNode Parse(string json) => JsonNode.Parse(json) ?? throw new JsonException("null document");
}
