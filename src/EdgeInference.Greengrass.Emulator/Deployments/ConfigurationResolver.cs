using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Deployments;

/// <summary>
/// The configuration a deployment gives a component, computed as KernelConfigResolver.resolveConfigurationToApply
/// does: start from the running configuration, remove the RESET pointers (<c>""</c> clears everything; a pointer into
/// a list element is skipped, as the nucleus cannot reset one), merge the recipe's DefaultConfiguration underneath
/// (defaults never overwrite a value that is there), then merge MERGE on top (objects key by key, other values —
/// lists included — replaced).
/// </summary>
internal static class ConfigurationResolver
{
    /// <summary>Resolves the configuration.</summary>
    /// <param name="running">The component's configuration before the deployment; null when it is new.</param>
    /// <param name="defaults">The recipe's DefaultConfiguration.</param>
    /// <param name="update">The deployment's update for a root component; null otherwise.</param>
    /// <param name="skippedResets">Receives RESET pointers that were skipped (list elements).</param>
    public static JsonObject Resolve(JsonObject? running, JsonObject defaults, ConfigurationUpdate? update, ICollection<string>? skippedResets = null)
    {
        var configuration = (JsonObject?)running?.DeepClone() ?? [];
        foreach (var pointer in update?.Reset ?? [])
        {
            if (pointer.Length == 0)
            {
                configuration = [];
                break;
            }

            var path = Segments(pointer);
            if (path.Any(IsIndexLike))
            {
                skippedResets?.Add(pointer);
                continue;
            }

            Remove(configuration, path);
        }

        MergeUnder(configuration, defaults);
        if (update?.Merge is { } merge)
        {
            MergeOver(configuration, merge);
        }

        return configuration;
    }

    /// <summary>The unescaped segments of a JSON pointer (<c>~1</c> is <c>/</c>, <c>~0</c> is <c>~</c>).</summary>
    internal static List<string> Segments(string pointer) =>
        [.. pointer[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

    /// <summary>Jackson's JsonPointer.mayMatchElement: a segment that could be a list index.</summary>
    private static bool IsIndexLike(string segment) =>
        segment.Length is > 0 and <= 10 && segment.All(char.IsAsciiDigit) && (segment == "0" || segment[0] != '0');

    private static void Remove(JsonObject configuration, List<string> path)
    {
        JsonObject? parent = configuration;
        foreach (var key in path.Take(path.Count - 1))
        {
            parent = parent[key] as JsonObject;
            if (parent is null)
            {
                return;
            }
        }

        parent.Remove(path[^1]);
    }

    private static void MergeUnder(JsonObject target, JsonObject defaults)
    {
        foreach (var (key, value) in defaults)
        {
            if (!target.TryGetPropertyValue(key, out var existing))
            {
                target[key] = value?.DeepClone();
            }
            else if (existing is JsonObject existingObject && value is JsonObject defaultObject)
            {
                MergeUnder(existingObject, defaultObject);
            }
        }
    }

    private static void MergeOver(JsonObject target, JsonObject merge)
    {
        foreach (var (key, value) in merge)
        {
            if (value is JsonObject mergeObject && target[key] is JsonObject existingObject)
            {
                MergeOver(existingObject, mergeObject);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }
}
