using System.Text.Encodings.Web;
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
/// Renders recipe variables the way the nucleus's KernelConfigResolver does (aws-greengrass-nucleus
/// componentmanager/KernelConfigResolver.java):
/// <list type="bullet">
/// <item>Two passes over each string: <c>\{([.\w-]+):([^:}]*)}</c> for the component itself, then, over the result,
/// <c>\{([.\w-]+):([.\w-]+):([^:}]*)}</c> for other components. Namespaces and component names may contain <c>-</c>;
/// keys may be empty. Each match found in a pass's input replaces every occurrence of its text.</item>
/// <item>Namespaces: <c>configuration</c> (a JSON pointer into the merged configuration; <c>""</c> is the whole
/// document; a value gives its text, an object or list its JSON with keys sorted), <c>artifacts</c>
/// (<c>path</c>, <c>decompressedPath</c>), <c>work</c> (<c>path</c>), <c>kernel</c> (<c>rootPath</c>), <c>iot</c>
/// (<c>thingName</c>) — the same for another component.</item>
/// <item>Another component is interpolated only when it is a direct dependency of this one and part of the
/// deployment; otherwise, and for unknown namespaces or missing values, the placeholder stays as written.</item>
/// <item>Strings in objects and lists are interpolated; other values are left alone.</item>
/// </list>
/// </summary>
public sealed partial class LifecycleInterpolator
{
    private static readonly JsonSerializerOptions CompactJson = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly string _componentName;
    private readonly ComponentPaths _self;
    private readonly string _kernelRootPath;
    private readonly string _thingName;
    private readonly IReadOnlyDictionary<string, ComponentPaths> _dependencies;
    private readonly List<(string Placeholder, string Reason)> _unresolved = [];

    /// <summary>Creates an interpolator for one component.</summary>
    /// <param name="componentName">The component whose lifecycle is rendered.</param>
    /// <param name="self">Its paths and merged configuration.</param>
    /// <param name="kernelRootPath"><c>{kernel:rootPath}</c>.</param>
    /// <param name="thingName"><c>{iot:thingName}</c>.</param>
    /// <param name="dependencies">Its direct dependencies that are part of the deployment, by name.</param>
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

    /// <summary>Interpolates every string in <paramref name="node"/>, in objects and lists alike.</summary>
    /// <exception cref="RecipeException">A <c>configuration</c> key that is not a JSON pointer (the nucleus fails the deployment).</exception>
    public JsonNode? Interpolate(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Interpolate(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Interpolate)]),
        JsonValue value when value.TryGetValue<string>(out var text) => JsonValue.Create(Interpolate(text)),
        _ => node?.DeepClone(),
    };

    /// <summary>Interpolates one string.</summary>
    /// <exception cref="RecipeException">A <c>configuration</c> key that is not a JSON pointer.</exception>
    public string Interpolate(string text)
    {
        var result = text;
        foreach (Match match in SameComponent().Matches(text))
        {
            if (Resolve(match.Value, _componentName, _self, match.Groups[1].Value, match.Groups[2].Value) is { } value)
            {
                result = result.Replace(match.Value, value, StringComparison.Ordinal);
            }
        }

        var afterFirstPass = result;
        foreach (Match match in CrossComponent().Matches(afterFirstPass))
        {
            var target = match.Groups[1].Value;
            if (!_dependencies.TryGetValue(target, out var paths))
            {
                _unresolved.Add((match.Value, $"{target} is not a direct dependency of {_componentName} in this deployment"));
                continue;
            }

            if (Resolve(match.Value, target, paths, match.Groups[2].Value, match.Groups[3].Value) is { } value)
            {
                result = result.Replace(match.Value, value, StringComparison.Ordinal);
            }
        }

        return result;
    }

    /// <summary>
    /// The text Jackson's <c>JsonNode.at(pointer)</c> gives for a configuration value: a value's text (<c>null</c> for
    /// null), an object or list as compact JSON with object keys sorted; null when nothing is there.
    /// </summary>
    /// <exception cref="RecipeException">A non-empty pointer that does not start with <c>/</c>.</exception>
    internal static string? LookUp(JsonObject? configuration, string pointer)
    {
        if (configuration is null)
        {
            return null;
        }

        if (pointer.Length > 0 && !pointer.StartsWith('/'))
        {
            throw new RecipeException($"Invalid input: JSON Pointer expression must start with '/': \"{pointer}\"");
        }

        JsonNode? node = configuration;
        foreach (var raw in pointer.Length == 0 ? [] : pointer[1..].Split('/'))
        {
            var key = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (node is JsonObject obj && obj.TryGetPropertyValue(key, out var child))
            {
                node = child ?? JsonValue.Create("null");
            }
            else if (node is JsonArray array && IsIndex(key, out var index) && index < array.Count)
            {
                node = array[index] ?? JsonValue.Create("null");
            }
            else
            {
                return null;
            }
        }

        return node switch
        {
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            JsonValue value => value.ToJsonString(),
            _ => Sorted(node)!.ToJsonString(CompactJson),
        };
    }

    private static bool IsIndex(string key, out int index)
    {
        index = -1;
        return key.Length > 0 && key.All(char.IsAsciiDigit) && (key == "0" || key[0] != '0') && int.TryParse(key, out index);
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sorted)]),
        _ => node?.DeepClone(),
    };

    private string? Resolve(string placeholder, string component, ComponentPaths paths, string ns, string key)
    {
        string? resolved = (ns, key) switch
        {
            ("configuration", _) => LookUp(paths.Configuration, key),
            ("artifacts", "path") => paths.ArtifactsPath,
            ("artifacts", "decompressedPath") => paths.DecompressedPath,
            ("work", "path") => paths.WorkPath,
            ("kernel", "rootPath") => _kernelRootPath,
            ("iot", "thingName") => _thingName,
            _ => null,
        };
        if (resolved is null)
        {
            _unresolved.Add((placeholder, ns switch
            {
                "configuration" => $"no value at '{key}' in the configuration of {component}",
                "artifacts" or "work" or "kernel" or "iot" => $"{ns} has no key '{key}'",
                _ => $"unrecognized namespace '{ns}'",
            }));
        }

        return resolved;
    }

    // Java's \w is ASCII-only: [A-Za-z0-9_].
    [GeneratedRegex(@"\{([.A-Za-z0-9_-]+):([^:}]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex SameComponent();

    [GeneratedRegex(@"\{([.A-Za-z0-9_-]+):([.A-Za-z0-9_-]+):([^:}]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex CrossComponent();
}
