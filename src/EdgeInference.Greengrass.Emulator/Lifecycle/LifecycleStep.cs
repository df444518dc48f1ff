using System.Globalization;
using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Lifecycle;

/// <summary>One lifecycle step: a script string, or <c>{Script, Timeout, Setenv, SkipIf}</c> (keys in any case).</summary>
internal sealed class LifecycleStep
{
    private LifecycleStep(string script, TimeSpan? timeout, IReadOnlyDictionary<string, string> setenv, string? skipIf)
    {
        Script = script;
        Timeout = timeout;
        Setenv = setenv;
        SkipIf = skipIf;
    }

    public string Script { get; }

    public TimeSpan? Timeout { get; }

    /// <summary>Lifecycle-level Setenv overlaid with the step's own.</summary>
    public IReadOnlyDictionary<string, string> Setenv { get; }

    public string? SkipIf { get; }

    public static LifecycleStep? From(JsonNode? node, JsonObject? lifecycleSetenv)
    {
        var setenv = new Dictionary<string, string>(StringComparer.Ordinal);
        AddAll(setenv, lifecycleSetenv);
        switch (node)
        {
            case JsonValue value when value.TryGetValue<string>(out var script):
                return new LifecycleStep(script, null, setenv, null);
            case JsonObject step when Find(step, "Script")?.ToString() is { } script:
                AddAll(setenv, Find(step, "Setenv") as JsonObject);
                var timeout = Find(step, "Timeout")?.ToString() is { } seconds && double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
                    ? TimeSpan.FromSeconds(s)
                    : (TimeSpan?)null;
                return new LifecycleStep(script, timeout, setenv, Find(step, "SkipIf")?.ToString());
            default:
                return null;
        }
    }

    /// <summary><c>onpath &lt;executable&gt;</c> or <c>exists &lt;file&gt;</c>.</summary>
    public bool ShouldSkip()
    {
        if (SkipIf is null)
        {
            return false;
        }

        var parts = SkipIf.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2)
        {
            return false;
        }

        return parts[0].ToLowerInvariant() switch
        {
            "exists" => File.Exists(parts[1]) || Directory.Exists(parts[1]),
            "onpath" => (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(dir => File.Exists(Path.Combine(dir, parts[1]))),
            _ => false,
        };
    }

    private static JsonNode? Find(JsonObject obj, string key) =>
        obj.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    private static void AddAll(Dictionary<string, string> target, JsonObject? source)
    {
        foreach (var (key, value) in source ?? [])
        {
            target[key] = value?.ToString() ?? string.Empty;
        }
    }
}
