using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Recipes;

/// <summary>Recipe keys are read case-insensitively, as the nucleus's recipe reader does (ACCEPT_CASE_INSENSITIVE_PROPERTIES).</summary>
internal static class JsonMembers
{
    /// <summary>The member whose name equals <paramref name="name"/> ignoring case, or null.</summary>
    public static JsonNode? Member(this JsonObject? obj, string name) =>
        obj?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The member's text: a string as is, a number or boolean as written, else null.</summary>
    public static string? MemberText(this JsonObject? obj, string name) => obj.Member(name) switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value => value.ToJsonString(),
        _ => null,
    };
}
