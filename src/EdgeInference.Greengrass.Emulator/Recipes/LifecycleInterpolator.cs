using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeInference.Greengrass.Emulator.Recipes;

/// <summary>Paths and configuration of a component, as recipe variables see them.</summary>
/// <param name="ArtifactsPath"><c>{artifacts:path}</c>.</param>
/// <param name="DecompressedPath"><c>{artifacts:decompressedPath}</c>.</param>
/// <param name="WorkPath"><c>{work:path}</c>.</param>
/// <param name="Configuration">For <c>{configuration:/pointer}</c>; null when unknown.</param>
public sealed record ComponentPaths(string ArtifactsPath, string DecompressedPath, string WorkPath, JsonObject? Configuration);

/// <summary>
/// Renders recipe variables in lifecycle strings the way the nucleus's KernelConfigResolver does: first
/// <c>{namespace:key}</c> for the component itself (configuration, artifacts, work, kernel, iot), then
/// <c>{Component:namespace:key}</c> for dependencies. A placeholder that cannot be resolved is left as written.
/// </summary>
public sealed partial class LifecycleInterpolator
{
    private readonly string _componentName;
    private readonly ComponentPaths _self;
    private readonly string _kernelRootPath;
    private readonly string _thingName;
    private readonly IReadOnlyDictionary<string, ComponentPaths> _dependencies;
    private readonly List<(string Placeholder, string Reason)> _unresolved = [];

    /// <summary>Creates an interpolator for one component.</summary>
    public LifecycleInterpolator(
        string componentName, ComponentPaths self, string kernelRootPath, string thingName, IReadOnlyDictionary<string, ComponentPaths>? dependencies = null)
    {
        _componentName = componentName;
        _self = self;
        _kernelRootPath = kernelRootPath;
        _thingName = thingName;
        _dependencies = dependencies ?? new Dictionary<string, ComponentPaths>();
    }

    /// <summary>Placeholders left as written, with the reason.</summary>
    public IReadOnlyList<(string Placeholder, string Reason)> Unresolved => _unresolved;

    /// <summary>Interpolates every string in <paramref name="node"/> (objects recursively; lists are left alone, as in the nucleus).</summary>
    public JsonNode? Interpolate(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Interpolate(p.Value)))),
        JsonValue value when value.TryGetValue<string>(out var text) => JsonValue.Create(Interpolate(text)),
        _ => node?.DeepClone(),
    };

    /// <summary>Interpolates one string.</summary>
    public string Interpolate(string text)
    {
        text = SameComponent().Replace(text, m => Resolve(m.Value, _self, m.Groups[1].Value, m.Groups[2].Value, isSelf: true));
        return CrossComponent().Replace(text, m =>
        {
            var target = m.Groups[1].Value;
            if (!_dependencies.TryGetValue(target, out var paths))
            {
                _unresolved.Add((m.Value, $"{target} is not a dependency given to the emulator"));
                return m.Value;
            }

            return Resolve(m.Value, paths, m.Groups[2].Value, m.Groups[3].Value, isSelf: false);
        });
    }

    /// <summary>Text of a configuration value the way Jackson's <c>asText()</c>/<c>toString()</c> give it.</summary>
    internal static string? LookUp(JsonObject? configuration, string pointer)
    {
        if (configuration is null)
        {
            return null;
        }

        JsonNode? node = configuration;
        if (pointer.Length > 0)
        {
            if (!pointer.StartsWith('/'))
            {
                return null;
            }

            foreach (var raw in pointer[1..].Split('/'))
            {
                var key = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                node = node switch
                {
                    JsonObject obj when obj.TryGetPropertyValue(key, out var child) => child ?? JsonValue.Create("null"),
                    JsonArray array when int.TryParse(key, out var index) && index >= 0 && index < array.Count => array[index] ?? JsonValue.Create("null"),
                    _ => null,
                };
                if (node is null)
                {
                    return null;
                }
            }
        }

        return node switch
        {
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            JsonValue value => value.ToJsonString(),
            _ => node!.ToJsonString(new JsonSerializerOptions { WriteIndented = false }),
        };
    }

    private string Resolve(string placeholder, ComponentPaths paths, string ns, string key, bool isSelf)
    {
        string? resolved = (ns, key) switch
        {
            ("configuration", _) => LookUp(paths.Configuration, key),
            ("artifacts", "path") => paths.ArtifactsPath,
            ("artifacts", "decompressedPath") => paths.DecompressedPath,
            ("work", "path") => paths.WorkPath,
            ("kernel", "rootPath") => _kernelRootPath,
            ("iot", "thingName") when isSelf => _thingName,
            _ => null,
        };
        if (resolved is null)
        {
            _unresolved.Add((placeholder, ns == "configuration" ? $"no value at {key} in the configuration of {(isSelf ? _componentName : "the dependency")}" : "unknown variable"));
            return placeholder;
        }

        return resolved;
    }

    [GeneratedRegex(@"\{([.\w]+):([^:}]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex SameComponent();

    [GeneratedRegex(@"\{([.\w]+):([.\w]+):([^:}]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex CrossComponent();
}
