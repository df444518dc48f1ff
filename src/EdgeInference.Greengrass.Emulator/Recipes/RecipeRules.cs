using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Semver;

namespace EdgeInference.Greengrass.Emulator.Recipes;

/// <summary>
/// The checks the nucleus makes when it reads a recipe from a local deployment's recipe folder (the component-common
/// library's ComponentRecipe builder, read by DeploymentService.copyRecipeFileToComponentStore): RecipeFormatVersion
/// 2020-01-25; ComponentName of letters, digits, <c>-</c>, <c>.</c>, <c>_</c> and at most 128 characters; a strict
/// semantic ComponentVersion of at most 64 characters and 6-digit parts; every dependency with a VersionRequirement
/// that parses as an npm range and a DependencyType of HARD or SOFT; artifacts with a URI and known enum values.
/// </summary>
public static partial class RecipeRules
{
    private const int MaxNameLength = 128;
    private const int MaxVersionLength = 64;
    private const int MaxVersionPart = 999999;

    /// <summary>Checks <paramref name="recipe"/>.</summary>
    /// <exception cref="RecipeException">The first rule broken, with the nucleus's text, prefixed like the nucleus's
    /// <c>Unable to parse FILE as a recipe due to: ...</c>.</exception>
    public static void Validate(ComponentRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        if (Problem(recipe) is { } problem)
        {
            throw new RecipeException($"Unable to parse {recipe.SourcePath ?? recipe.ComponentName} as a recipe due to: {problem}");
        }
    }

    /// <summary>Parses a component version the way the nucleus does (semver4j STRICT).</summary>
    public static bool TryParseVersion(string text, out SemVersion? version) =>
        SemVersion.TryParse(text, SemVersionStyles.Strict, out version);

    /// <summary>Parses an npm-style version range (semver4j's buildNPM; prerelease versions are not excluded, as in semver4j).</summary>
    public static bool TryParseRange(string text, out SemVersionRange? range) =>
        SemVersionRange.TryParseNpm(text, includeAllPrerelease: true, out range);

    private static string? Problem(ComponentRecipe recipe)
    {
        var document = recipe.Document;
        if (document.MemberText("RecipeFormatVersion") is not { } format)
        {
            return "recipeFormatVersion is marked non-null but is null";
        }

        if (format != "2020-01-25")
        {
            return $"Cannot deserialize RecipeFormatVersion from String \"{format}\": not one of the values accepted for Enum class: [2020-01-25]";
        }

        if (NameProblem(recipe.ComponentName) is { } nameProblem)
        {
            return nameProblem;
        }

        if (document.MemberText("ComponentVersion") is not { } versionText)
        {
            return "Component version is null";
        }

        if (VersionProblem(versionText) is { } versionProblem)
        {
            return versionProblem;
        }

        return DependenciesProblem(document) ?? ManifestsProblem(recipe);
    }

    private static string? NameProblem(string name)
    {
        if (name.Length == 0)
        {
            return "Component name is empty";
        }

        if (name.Length > MaxNameLength)
        {
            return $"Component name length exceeds {MaxNameLength} characters";
        }

        return ComponentNamePattern().IsMatch(name) ? null : "Component name could only include characters of ALPHA/DIGIT/\"-\"/\".\"/\"_\"";
    }

    private static string? VersionProblem(string text)
    {
        if (!TryParseVersion(text, out var version))
        {
            return $"Invalid version: {text} (a component version is a strict semantic version, MAJOR.MINOR.PATCH)";
        }

        if (text.Length > MaxVersionLength)
        {
            return $"Component version length exceeds {MaxVersionLength} characters";
        }

        return version!.Major > MaxVersionPart || version.Minor > MaxVersionPart || version.Patch > MaxVersionPart
            ? "Component version major, minor, patch can't exceed 6 digits"
            : null;
    }

    private static string? DependenciesProblem(JsonObject document)
    {
        if (document.Member("ComponentDependencies") is not JsonObject dependencies)
        {
            return null;
        }

        foreach (var (name, node) in dependencies)
        {
            var properties = node as JsonObject;
            if (properties.MemberText("VersionRequirement") is not { } requirement)
            {
                return $"versionRequirement is marked non-null but is null (dependency {name})";
            }

            if (!TryParseRange(requirement, out _))
            {
                return $"Invalid VersionRequirement '{requirement}' of dependency {name}: not an npm-style range";
            }

            if (properties.MemberText("DependencyType")?.ToUpperInvariant() is { } type && type is not ("HARD" or "SOFT"))
            {
                return $"DependencyType '{type}' of dependency {name} is not one of HARD, SOFT";
            }
        }

        return null;
    }

    private static string? ManifestsProblem(ComponentRecipe recipe)
    {
        if (recipe.Document.Member("Manifests") is JsonArray manifests && manifests.Any(m => m is null))
        {
            return "Manifests contains one or more null element(s)";
        }

        try
        {
            foreach (var manifest in recipe.Manifests)
            {
                _ = ComponentRecipe.Artifacts(manifest);
            }

            _ = recipe.ComponentDependencies;
            return null;
        }
        catch (RecipeException ex)
        {
            return ex.Message;
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9-_.]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ComponentNamePattern();
}
