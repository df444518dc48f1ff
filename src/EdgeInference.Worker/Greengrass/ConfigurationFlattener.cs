using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace EdgeInference.Worker.Greengrass;

/// <summary>
/// Turns a Greengrass component configuration (JSON) into .NET configuration keys, as the JSON file provider does:
/// nested objects join with <c>:</c> (<c>Model:Path</c>), arrays use their index (<c>Mean:0</c>), scalars become
/// their text (booleans lower-case). The nucleus's own <c>accessControl</c> policies are not worker settings and are skipped.
/// </summary>
public static class ConfigurationFlattener
{
    /// <summary>The top-level key that holds IPC authorization policies.</summary>
    public const string AccessControlKey = "accessControl";

    public static Dictionary<string, string?> Flatten(JsonObject? configuration)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (configuration is null)
        {
            return data;
        }

        foreach (var (key, value) in configuration)
        {
            if (string.Equals(key, AccessControlKey, StringComparison.Ordinal))
            {
                continue;
            }

            Visit(data, key, value);
        }

        return data;
    }

    private static void Visit(Dictionary<string, string?> data, string path, JsonNode? node)
    {
        switch (node)
        {
            case null:
                data[path] = null;
                break;
            case JsonObject obj:
                if (obj.Count == 0)
                {
                    data[path] = null;
                }

                foreach (var (key, child) in obj)
                {
                    Visit(data, ConfigurationPath.Combine(path, key), child);
                }

                break;
            case JsonArray array:
                if (array.Count == 0)
                {
                    data[path] = null;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    Visit(data, ConfigurationPath.Combine(path, i.ToString(CultureInfo.InvariantCulture)), array[i]);
                }

                break;
            case JsonValue value:
                data[path] = value.GetValueKind() switch
                {
                    JsonValueKind.String => value.GetValue<string>(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Null => null,
                    _ => value.ToJsonString(),
                };
                break;
        }
    }
}
