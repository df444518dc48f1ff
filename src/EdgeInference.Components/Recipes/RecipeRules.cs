using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeInference.Components.Gdk;
using EdgeInference.Components.Publish;
using EdgeInference.Greengrass.Recipes;

namespace EdgeInference.Components.Recipes;

/// <summary>
/// The recipe rules build and publish enforce themselves (the GDK schema's constraints that matter plus the
/// service's 16,000-byte limit), independent of whether GDK's schema file is at hand.
/// </summary>
public static partial class RecipeRules
{
    /// <summary>CreateComponentVersion rejects recipes larger than this (GDK checks the same).</summary>
    public const int MaxRecipeBytes = 16_000;

    public const string RecipeFormatVersion = "2020-01-25";

    private static readonly HashSet<string> TopLevelKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "RecipeFormatVersion", "ComponentName", "ComponentVersion", "ComponentDescription", "ComponentPublisher",
        "ComponentConfiguration", "ComponentType", "ComponentSource", "ComponentDependencies", "Manifests", "Lifecycle",
    };

    private static readonly HashSet<string> LifecycleSteps = new(StringComparer.OrdinalIgnoreCase)
    {
        "Setenv", "Bootstrap", "Install", "Startup", "Run", "Shutdown", "Recover",
    };

    /// <summary>Returns every rule the recipe breaks (empty when it is acceptable).</summary>
    public static IReadOnlyList<string> Check(JsonObject recipe, string serialized, bool allowNextPatch = false)
    {
        var errors = new List<string>();
        var size = Encoding.UTF8.GetByteCount(serialized);
        if (size > MaxRecipeBytes)
        {
            errors.Add($"the recipe is {size:N0} bytes; Greengrass accepts at most {MaxRecipeBytes:N0}.");
        }

        foreach (var key in recipe.Select(p => p.Key).Where(k => !TopLevelKeys.Contains(k)))
        {
            errors.Add($"unknown top-level key '{key}'.");
        }

        if (recipe.GetStringIgnoreCase("RecipeFormatVersion") != RecipeFormatVersion)
        {
            errors.Add($"RecipeFormatVersion must be \"{RecipeFormatVersion}\".");
        }

        var name = recipe.GetStringIgnoreCase("ComponentName");
        if (name is null || name.Length > 128 || !GdkConfig.ComponentNamePattern().IsMatch(name))
        {
            errors.Add($"ComponentName \"{name}\" must match [a-zA-Z0-9-_.]+ (at most 128 characters).");
        }
        else if (name.StartsWith("aws.greengrass", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"ComponentName \"{name}\" must not start with aws.greengrass (reserved for AWS components).");
        }

        var version = recipe.GetStringIgnoreCase("ComponentVersion");
        var versionOk = version is not null && version.Length <= 64
            && (GdkConfig.SemVerPattern().IsMatch(version) || (allowNextPatch && version == GdkConfig.NextPatch));
        if (!versionOk)
        {
            errors.Add($"ComponentVersion \"{version}\" must be a semver version (at most 64 characters).");
        }

        foreach (var key in new[] { "ComponentDescription", "ComponentPublisher" })
        {
            if (recipe.GetIgnoreCase(key) is { } node && node.GetValueKind() != JsonValueKind.String)
            {
                errors.Add($"{key} must be a string.");
            }
        }

        CheckConfiguration(recipe, errors);
        CheckDependencies(recipe, errors);
        CheckManifests(recipe, errors);
        return errors;
    }

    private static void CheckConfiguration(JsonObject recipe, List<string> errors)
    {
        var configuration = recipe.GetIgnoreCase("ComponentConfiguration");
        if (configuration is null)
        {
            return;
        }

        if (configuration is not JsonObject configurationObject)
        {
            errors.Add("ComponentConfiguration must be an object.");
            return;
        }

        if (configurationObject.GetIgnoreCase("DefaultConfiguration") is { } defaults && defaults is not JsonObject)
        {
            errors.Add("ComponentConfiguration.DefaultConfiguration must be an object.");
        }
    }

    private static void CheckDependencies(JsonObject recipe, List<string> errors)
    {
        if (recipe.GetIgnoreCase("ComponentDependencies") is not JsonObject dependencies)
        {
            return;
        }

        foreach (var (dependency, node) in dependencies)
        {
            if (node is not JsonObject spec || spec.GetStringIgnoreCase("VersionRequirement") is null)
            {
                errors.Add($"ComponentDependencies.{dependency} needs a VersionRequirement string.");
                continue;
            }

            if (spec.GetStringIgnoreCase("DependencyType") is { } type && !type.Equals("HARD", StringComparison.OrdinalIgnoreCase) && !type.Equals("SOFT", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"ComponentDependencies.{dependency}.DependencyType must be HARD or SOFT.");
            }
        }
    }

    private static void CheckManifests(JsonObject recipe, List<string> errors)
    {
        if (recipe.GetIgnoreCase("Manifests") is not JsonArray { Count: > 0 } manifests)
        {
            errors.Add("Manifests must be a non-empty list.");
            return;
        }

        for (var i = 0; i < manifests.Count; i++)
        {
            var where = $"Manifests[{i}]";
            if (manifests[i] is not JsonObject manifest)
            {
                errors.Add($"{where} must be an object.");
                continue;
            }

            if (manifest.GetIgnoreCase("Platform") is { } platform
                && (platform is not JsonObject platformObject || platformObject.Any(p => p.Value?.GetValueKind() != JsonValueKind.String)))
            {
                errors.Add($"{where}.Platform must be an object of strings (os, architecture, ...).");
            }

            if (manifest.GetIgnoreCase("Lifecycle") is { } lifecycle)
            {
                CheckLifecycle(lifecycle, $"{where}.Lifecycle", errors);
            }

            if (manifest.GetIgnoreCase("Artifacts") is { } artifacts)
            {
                CheckArtifacts(artifacts, $"{where}.Artifacts", errors);
            }
        }
    }

    private static void CheckLifecycle(JsonNode lifecycle, string where, List<string> errors)
    {
        if (lifecycle is not JsonObject steps)
        {
            errors.Add($"{where} must be an object.");
            return;
        }

        if (steps.GetIgnoreCase("Run") is not null && steps.GetIgnoreCase("Startup") is not null)
        {
            errors.Add($"{where} may define Run or Startup, not both.");
        }

        foreach (var (step, node) in steps)
        {
            if (!LifecycleSteps.Contains(step))
            {
                errors.Add($"{where}.{step} is not a lifecycle step ({string.Join(", ", LifecycleSteps)}).");
                continue;
            }

            if (step.Equals("Setenv", StringComparison.OrdinalIgnoreCase) || node is null || node.GetValueKind() == JsonValueKind.String)
            {
                continue;
            }

            if (node is not JsonObject body || body.GetIgnoreCase("Script")?.GetValueKind() != JsonValueKind.String)
            {
                errors.Add($"{where}.{step} must be a script string or an object with a Script string.");
                continue;
            }

            if (body.GetIgnoreCase("Timeout") is { } timeout
                && timeout.GetValueKind() != JsonValueKind.Number
                && !(timeout.GetValueKind() == JsonValueKind.String && int.TryParse(timeout.GetValue<string>(), out _)))
            {
                errors.Add($"{where}.{step}.Timeout must be a number of seconds.");
            }

            if (body.GetStringIgnoreCase("Skipif") is { } skipIf && !SkipIfPattern().IsMatch(skipIf))
            {
                errors.Add($"{where}.{step}.Skipif must be 'onpath <exe>' or 'exists <file>'.");
            }
        }
    }

    private static void CheckArtifacts(JsonNode artifacts, string where, List<string> errors)
    {
        if (artifacts is not JsonArray list)
        {
            errors.Add($"{where} must be a list.");
            return;
        }

        for (var i = 0; i < list.Count; i++)
        {
            var at = $"{where}[{i}]";
            if (list[i] is not JsonObject artifact || artifact.GetStringIgnoreCase("URI") is not { Length: > 0 })
            {
                errors.Add($"{at} needs a URI string.");
                continue;
            }

            if (artifact.GetStringIgnoreCase("Unarchive") is { } unarchive && !unarchive.Equals("ZIP", StringComparison.OrdinalIgnoreCase) && !unarchive.Equals("NONE", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{at}.Unarchive must be ZIP or NONE.");
            }

            if (artifact.GetIgnoreCase("Permission") is JsonObject permission)
            {
                foreach (var (kind, value) in permission)
                {
                    var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                    if (text is null || !PermissionPattern().IsMatch(text))
                    {
                        errors.Add($"{at}.Permission.{kind} must be NONE, OWNER or ALL.");
                    }
                }
            }
        }
    }

    [GeneratedRegex(@"^(onpath|exists)\s+.*")]
    private static partial Regex SkipIfPattern();

    [GeneratedRegex("(?i)^(NONE|OWNER|ALL)\\z")]
    private static partial Regex PermissionPattern();
}
