using EdgeInference.Components.Gdk;
using EdgeInference.Components.Recipes;

namespace EdgeInference.Components.Build;

/// <param name="ConfigPath">gdk-config.json; its folder is the project root.</param>
/// <param name="Rids">Runtime identifiers to build (default linux-x64 and linux-arm64).</param>
/// <param name="RecipePath">The template (default <c>recipes/NAME.yaml</c>, else GDK's <c>recipe.yaml</c>).</param>
/// <param name="PublishDirectory">With <paramref name="SkipDotnetPublish"/>: an existing publish folder, either per RID
/// (<c>DIR/RID/</c>) or one folder used for every RID.</param>
public sealed record ComponentBuildSettings(
    string ConfigPath,
    IReadOnlyList<string> Rids,
    string? RecipePath = null,
    bool SkipDotnetPublish = false,
    string? PublishDirectory = null,
    string? WorkerProject = null,
    string? OutputDirectory = null);

/// <param name="BuildDirectory">greengrass-build/.</param>
/// <param name="RecipeFile">greengrass-build/recipes/FILE.</param>
/// <param name="ArtifactsDirectory">greengrass-build/artifacts/NAME/VERSION/.</param>
public sealed record ComponentBuildResult(
    string BuildDirectory,
    string RecipeFile,
    string ArtifactsDirectory,
    string ComponentName,
    string ComponentVersion,
    RenderedRecipe Recipe);

/// <summary><c>component build</c>: publish the worker per RID, zip it, render the recipe, write GDK's layout.</summary>
public static class ComponentBuilder
{
    public const string BuildFolderName = "greengrass-build";
    public static readonly IReadOnlyList<string> DefaultRids = ["linux-x64", "linux-arm64"];

    public static async Task<ComponentBuildResult> BuildAsync(ComponentBuildSettings settings, TextWriter log, CancellationToken cancellationToken = default)
    {
        var configPath = Path.GetFullPath(settings.ConfigPath);
        var config = GdkConfig.Load(configPath);
        var projectRoot = Path.GetDirectoryName(configPath)!;
        var recipePath = ResolveRecipePath(settings.RecipePath, projectRoot, config.ComponentName);
        var rids = settings.Rids.Count > 0 ? settings.Rids.Distinct(StringComparer.Ordinal).ToList() : DefaultRids.ToList();
        if (settings.SkipDotnetPublish && settings.PublishDirectory is null)
        {
            throw new ComponentBuildException("--skip-dotnet-publish needs --publish-dir DIR (a folder per RID, or one folder for all).");
        }

        var buildDirectory = Path.GetFullPath(settings.OutputDirectory ?? Path.Combine(projectRoot, BuildFolderName));
        var recipesDirectory = Path.Combine(buildDirectory, "recipes");
        var artifactsDirectory = Path.Combine(buildDirectory, "artifacts", config.ComponentName, config.Version);
        if (Directory.Exists(buildDirectory))
        {
            Directory.Delete(buildDirectory, recursive: true);
        }

        Directory.CreateDirectory(recipesDirectory);
        Directory.CreateDirectory(artifactsDirectory);

        foreach (var rid in rids)
        {
            var publishDirectory = await PublishWorkerAsync(settings, projectRoot, buildDirectory, rid, log, cancellationToken).ConfigureAwait(false);
            var zip = ArtifactZipper.Zip(publishDirectory, rid, artifactsDirectory);
            log.WriteLine($"Artifact {Display(projectRoot, zip)} ({new FileInfo(zip).Length:N0} bytes)");
        }

        var rendered = RecipeRenderer.Render(
            await File.ReadAllTextAsync(recipePath, cancellationToken).ConfigureAwait(false),
            new RecipeRenderOptions(config.ComponentName, config.Version, config.Author),
            file => File.Exists(Path.Combine(artifactsDirectory, file)));
        foreach (var dropped in rendered.DroppedManifests)
        {
            log.WriteLine($"Note: manifest '{dropped}' left out of the recipe: its artifact was not built (add its --rid to include it).");
        }

        var recipeFile = Path.Combine(recipesDirectory, Path.GetFileName(recipePath));
        await File.WriteAllTextAsync(recipeFile, rendered.Yaml, cancellationToken).ConfigureAwait(false);
        log.WriteLine($"Recipe {Display(projectRoot, recipeFile)} ({System.Text.Encoding.UTF8.GetByteCount(rendered.Yaml):N0} of {RecipeRules.MaxRecipeBytes:N0} bytes)");
        return new ComponentBuildResult(buildDirectory, recipeFile, artifactsDirectory, config.ComponentName, config.Version, rendered);
    }

    private static string Display(string projectRoot, string path)
    {
        var relative = Path.GetRelativePath(projectRoot, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    internal static string ResolveRecipePath(string? explicitPath, string projectRoot, string componentName)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new ComponentBuildException($"Recipe template {explicitPath} not found.");
        }

        var candidates = new[]
        {
            Path.Combine(projectRoot, "recipes", componentName + ".yaml"),
            Path.Combine(projectRoot, "recipes", componentName + ".json"),
            Path.Combine(projectRoot, "recipe.yaml"),
            Path.Combine(projectRoot, "recipe.json"),
        };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new ComponentBuildException($"No recipe template found: looked for {string.Join(", ", candidates.Select(c => Path.GetRelativePath(projectRoot, c)))}.");
    }

    private static async Task<string> PublishWorkerAsync(ComponentBuildSettings settings, string projectRoot, string buildDirectory, string rid, TextWriter log, CancellationToken cancellationToken)
    {
        if (settings.SkipDotnetPublish)
        {
            var root = Path.GetFullPath(settings.PublishDirectory!);
            var perRid = Path.Combine(root, rid);
            return Directory.Exists(perRid) ? perRid : root;
        }

        var project = settings.WorkerProject ?? Path.Combine(projectRoot, "src", "EdgeInference.Worker");
        var output = Path.Combine(buildDirectory, "publish", rid);
        await DotnetPublishRunner.PublishAsync(project, rid, output, log, cancellationToken).ConfigureAwait(false);
        return output;
    }
}
