using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Deployments;

/// <summary>A component's configuration update: JSON pointers to reset to their defaults, then a document to merge.</summary>
/// <param name="Merge"><c>MERGE</c>: merged over the configuration (objects key by key, other values replaced).</param>
/// <param name="Reset"><c>RESET</c>: JSON pointers (<c>""</c> is the whole configuration).</param>
public sealed record ConfigurationUpdate(JsonObject? Merge, IReadOnlyList<string> Reset)
{
    /// <summary>The option name used in messages.</summary>
    public const string OptionName = "--update-config";

    /// <summary>
    /// Reads <c>{"&lt;component&gt;": {"MERGE": {...}, "RESET": ["/pointer", ...]}, ...}</c> — the shape
    /// greengrass-cli's <c>--update-config</c> takes (CLIEventStreamAgent reads exactly <c>MERGE</c> and <c>RESET</c>).
    /// </summary>
    /// <exception cref="DeploymentRefusedException">Not that shape, or a RESET entry that is not a JSON pointer.</exception>
    public static IReadOnlyDictionary<string, ConfigurationUpdate> ParseAll(string json)
    {
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new DeploymentRefusedException(OptionName, "JSON", $"Update configuration parameter is not a properly formatted JSON file or a JSON string: {ex.Message}");
        }

        if (document is not JsonObject components)
        {
            throw new DeploymentRefusedException(OptionName, "JSON", "must be a JSON object keyed by component name: {\"<name>\":{\"MERGE\":{...},\"RESET\":[\"/pointer\"]}}");
        }

        var updates = new Dictionary<string, ConfigurationUpdate>(StringComparer.Ordinal);
        foreach (var (component, node) in components)
        {
            updates[component] = Parse(component, node);
        }

        return updates;
    }

    private static ConfigurationUpdate Parse(string component, JsonNode? node)
    {
        if (node is not JsonObject update)
        {
            throw Refused(component, "must be an object with MERGE and/or RESET");
        }

        foreach (var key in update.Select(p => p.Key).Where(k => k is not ("MERGE" or "RESET")))
        {
            throw Refused(component, $"has '{key}'; only MERGE and RESET (upper case) are read");
        }

        var merge = update["MERGE"] switch
        {
            null => null,
            JsonObject obj => (JsonObject)obj.DeepClone(),
            _ => throw Refused(component, "MERGE must be a JSON object"),
        };
        var reset = new List<string>();
        switch (update["RESET"])
        {
            case null:
                break;
            case JsonArray pointers:
                foreach (var pointer in pointers)
                {
                    if (pointer is not JsonValue value || !value.TryGetValue<string>(out var text))
                    {
                        throw Refused(component, "RESET must be a list of JSON pointer strings");
                    }

                    if (text.Length > 0 && !text.StartsWith('/'))
                    {
                        // Jackson's JsonPointer.compile, which the nucleus calls on each entry.
                        throw Refused(component, $"RESET entry: Invalid input: JSON Pointer expression must start with '/': \"{text}\"");
                    }

                    reset.Add(text);
                }

                break;
            default:
                throw Refused(component, "RESET must be a list of JSON pointer strings");
        }

        return new ConfigurationUpdate(merge, reset);
    }

    private static DeploymentRefusedException Refused(string subject, string message) => new(subject, OptionName, message);
}
