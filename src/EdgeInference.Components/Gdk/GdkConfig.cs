using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeInference.Components.Gdk;

/// <summary>
/// <c>gdk-config.json</c> (GDK CLI schema): one component with author, version (semver or NEXT_PATCH),
/// build and publish settings. Only what build/publish use is modelled; the file stays GDK's to own.
/// </summary>
public sealed partial record GdkConfig(
    string ComponentName,
    string Author,
    string Version,
    string BuildSystem,
    string? PublishBucket,
    string? PublishRegion,
    string GdkVersion)
{
    public const string FileName = "gdk-config.json";
    public const string NextPatch = "NEXT_PATCH";

    public bool IsNextPatch => Version == NextPatch;

    public static GdkConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new GdkConfigException($"{path} not found. Run from the project root or pass --config PATH.");
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new GdkConfigException($"{path} is not valid JSON: {ex.Message}", ex);
        }

        return Parse(root, path);
    }

    /// <summary>Applies the rules of GDK's config schema that build and publish rely on.</summary>
    public static GdkConfig Parse(JsonNode? root, string source = FileName)
    {
        var errors = new List<string>();
        if (root is not JsonObject top)
        {
            throw new GdkConfigException($"{source}: the top level must be a JSON object.");
        }

        var gdkVersion = top["gdk_version"] is JsonValue gv && gv.TryGetValue<string>(out var gvText) ? gvText : null;
        if (gdkVersion is null)
        {
            errors.Add("'gdk_version' is required (a semver string such as \"1.6.2\").");
        }
        else if (!SemVerPattern().IsMatch(gdkVersion))
        {
            errors.Add($"'gdk_version' must be a semver version; it is \"{gdkVersion}\".");
        }

        if (top["component"] is not JsonObject components || components.Count != 1)
        {
            throw new GdkConfigException($"{source}: 'component' must be an object holding exactly one component (GDK supports one per project).");
        }

        var (name, node) = components.First();
        if (!ComponentNamePattern().IsMatch(name) || name.Length > 128)
        {
            errors.Add($"component name \"{name}\" must match [a-zA-Z0-9-_.]+ and be at most 128 characters.");
        }

        if (node is not JsonObject component)
        {
            throw new GdkConfigException($"{source}: component \"{name}\" must be an object.");
        }

        var author = RequiredString(component, "author", errors);
        var version = RequiredString(component, "version", errors);
        if (version is not null && version != NextPatch && !SemVerPattern().IsMatch(version))
        {
            errors.Add($"'version' must be a semver version or NEXT_PATCH; it is \"{version}\".");
        }

        string? buildSystem = null;
        if (component["build"] is not JsonObject build)
        {
            errors.Add("'build' is required.");
        }
        else
        {
            buildSystem = RequiredString(build, "build_system", errors);
            if (buildSystem is not null and not ("zip" or "maven" or "gradle" or "gradlew" or "custom"))
            {
                errors.Add($"'build.build_system' must be zip, maven, gradle, gradlew or custom; it is \"{buildSystem}\".");
            }

            if (buildSystem == "custom" && build["custom_build_command"] is not (JsonArray { Count: > 0 } or JsonValue))
            {
                errors.Add("'build.custom_build_command' is required when build_system is custom.");
            }
        }

        string? bucket = null;
        string? region = null;
        if (component["publish"] is not JsonObject publish)
        {
            errors.Add("'publish' is required (with at least 'bucket').");
        }
        else
        {
            bucket = RequiredString(publish, "bucket", errors);
            region = publish["region"] is JsonValue r && r.TryGetValue<string>(out var regionText) ? regionText : null;
        }

        if (errors.Count > 0)
        {
            throw new GdkConfigException($"{source} is invalid:{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", errors)}");
        }

        return new GdkConfig(name, author!, version!, buildSystem!, bucket, region, gdkVersion!);
    }

    private static string? RequiredString(JsonObject obj, string property, List<string> errors)
    {
        if (obj[property] is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return text;
        }

        errors.Add($"'{property}' is required and must be a string.");
        return null;
    }

    /// <summary>The semver 2.0 pattern GDK's schema uses (anchored at both ends here).</summary>
    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\z")]
    internal static partial Regex SemVerPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9\-_.]+\z")]
    internal static partial Regex ComponentNamePattern();
}
