using System.Text.Json.Nodes;
using EdgeInference.Components.Build;
using EdgeInference.Greengrass.Recipes;

namespace EdgeInference.Components.Publish;

/// <summary>A component as <c>component build</c> left it in <c>greengrass-build/</c>: its recipe and artifact files.</summary>
public sealed record BuiltComponent(string RecipeFile, JsonObject Recipe, IReadOnlyList<string> ArtifactFiles)
{
    public static BuiltComponent Load(string buildDirectory, string componentName)
    {
        var recipesDirectory = Path.Combine(buildDirectory, "recipes");
        if (!Directory.Exists(recipesDirectory))
        {
            throw new ComponentPublishException($"{recipesDirectory} not found: build the component first (edge-inference component build).");
        }

        var candidates = Directory.EnumerateFiles(recipesDirectory)
            .Where(f => Path.GetExtension(f) is ".yaml" or ".yml" or ".json")
            .Order(StringComparer.Ordinal)
            .Select(f => (File: f, Recipe: RecipeText.Parse(File.ReadAllText(f), RecipeText.FormatOf(f))))
            .Where(c => c.Recipe.GetStringIgnoreCase("ComponentName") == componentName)
            .ToList();
        // The build's own recipe (recipe.yaml / recipe.json, the name GDK's publish reads) wins; files named NAME-VERSION.*
        // are what earlier publishes wrote.
        var chosen = candidates.FirstOrDefault(c => ComponentBuilder.TemplateFileNames.Contains(Path.GetFileName(c.File)));
        if (chosen.File is null)
        {
            chosen = candidates.FirstOrDefault(c => !Path.GetFileNameWithoutExtension(c.File).StartsWith(componentName + "-", StringComparison.Ordinal));
        }

        if (chosen.File is null)
        {
            chosen = candidates.FirstOrDefault();
        }

        if (chosen.File is null)
        {
            throw new ComponentPublishException($"No recipe for {componentName} in {recipesDirectory}: build the component first.");
        }

        var builtVersion = chosen.Recipe.GetStringIgnoreCase("ComponentVersion") ?? string.Empty;
        var artifactsDirectory = Path.Combine(buildDirectory, "artifacts", componentName, builtVersion);
        var files = Directory.Exists(artifactsDirectory)
            ? Directory.EnumerateFiles(artifactsDirectory).Order(StringComparer.Ordinal).ToList()
            : [];
        var referenced = chosen.Recipe.Artifacts()
            .Select(a => a.Artifact.GetStringIgnoreCase("URI"))
            .OfType<string>()
            .Where(u => u.StartsWith("s3://", StringComparison.Ordinal))
            .Select(u => u[(u.LastIndexOf('/') + 1)..])
            .ToHashSet(StringComparer.Ordinal);
        var missing = referenced.Where(r => !files.Any(f => Path.GetFileName(f) == r)).ToList();
        if (missing.Count > 0)
        {
            throw new ComponentPublishException($"The recipe references artifacts missing from {artifactsDirectory}: {string.Join(", ", missing)}. Build the component again.");
        }

        return new BuiltComponent(chosen.File, chosen.Recipe, files.Where(f => referenced.Contains(Path.GetFileName(f))).ToList());
    }
}
