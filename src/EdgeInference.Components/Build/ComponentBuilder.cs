using EdgeInference.Components.Gdk;
using EdgeInference.Components.Recipes;
using EdgeInference.Greengrass.Recipes;

namespace EdgeInference.Components.Build;

/// <param name="ConfigPath">gdk-config.json; its folder is the project root.</param>
/// <param name="Rids">Runtime identifiers to build (default linux-x64 and linux-arm64).</param>
/// <param name="RecipePath">The template (default: GDK's <c>recipe.yaml</c> or <c>recipe.json</c> in the project root).</param>
/// <param name="PublishDirectory">With <paramref name="SkipDotnetPublish"/>: an existing publish folder, either per RID
/// (<c>DIR/RID/</c>) or one folder used for every RID.</param>
/// <param name="OutputDirectory">The build folder (default <c>greengrass-build</c> in the project root, where GDK looks).</param>
/// <param name="Variants">
/// <c>cpu</c> (default) and/or <c>gpu</c> (linux-x64 only: ONNX Runtime with CUDA and TensorRT, its own zip). With
/// <paramref name="SkipDotnetPublish"/>, a GPU variant is read from <c>DIR/linux-x64-gpu/</c>.
/// </param>
public sealed record ComponentBuildSettings(
    string ConfigPath,
    IReadOnlyList<string> Rids,
    string? RecipePath = null,
    bool SkipDotnetPublish = false,
    string? PublishDirectory = null,
    string? WorkerProject = null,
    string? OutputDirectory = null,
    IReadOnlyList<string>? Variants = null);

/// <param name="BuildDirectory">greengrass-build/.</param>
/// <param name="RecipeFile">greengrass-build/recipes/FILE, FILE being the template's own name (GDK's publish reads it back by that name).</param>
/// <param name="ArtifactsDirectory">greengrass-build/artifacts/NAME/VERSION/.</param>
/// <param name="KeptArtifacts">Worker zips of other RIDs an earlier build left, kept and still in the recipe.</param>
public sealed record ComponentBuildResult(
    string BuildDirectory,
    string RecipeFile,
    string ArtifactsDirectory,
    string ComponentName,
    string ComponentVersion,
    RenderedRecipe Recipe,
    IReadOnlyList<string> KeptArtifacts);

/// <summary>
/// <c>component build</c> (also GDK's custom build command): publish the worker per RID, zip it, render the recipe, and
/// write exactly GDK's layout — <c>greengrass-build/recipes/recipe.yaml</c> and <c>greengrass-build/artifacts/NAME/VERSION/</c>.
/// It deletes nothing: GDK may have created (and cleaned) the folder already, and zips of RIDs not asked for stay as
/// they are (and in the recipe). Intermediate <c>dotnet publish</c> output goes to a temporary folder.
/// </summary>
public static class ComponentBuilder
{
    public const string BuildFolderName = "greengrass-build";
    public static readonly IReadOnlyList<string> DefaultRids = ["linux-x64", "linux-arm64"];

    /// <summary>The template names GDK accepts, in the project root.</summary>
    public static readonly IReadOnlyList<string> TemplateFileNames = ["recipe.yaml", "recipe.json"];

    public static async Task<ComponentBuildResult> BuildAsync(ComponentBuildSettings settings, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var configPath = Path.GetFullPath(settings.ConfigPath);
        var config = GdkConfig.Load(configPath);
        var projectRoot = Path.GetDirectoryName(configPath)!;
        var recipePath = ResolveRecipePath(settings.RecipePath, projectRoot);
        var rids = settings.Rids.Count > 0 ? settings.Rids.Distinct(StringComparer.Ordinal).ToList() : DefaultRids.ToList();
        if (settings.SkipDotnetPublish && settings.PublishDirectory is null)
        {
            throw new ComponentBuildException("--skip-dotnet-publish needs --publish-dir DIR (a folder per RID, or one folder for all).");
        }

        var variants = settings.Variants is { Count: > 0 } asked ? asked.Distinct(StringComparer.Ordinal).ToList() : [WorkerVariant.Cpu];
        var unknown = variants.Where(v => !WorkerVariant.All.Contains(v, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new ComponentBuildException($"Unknown variant {string.Join(", ", unknown)}: use {string.Join(" or ", WorkerVariant.All)}.");
        }

        var targets = variants.SelectMany(variant => rids.Select(rid => (Rid: rid, Variant: variant))).ToList();
        foreach (var (rid, variant) in targets.Where(t => !WorkerVariant.IsBuildable(t.Variant, t.Rid)))
        {
            log.WriteLine($"Note: no {variant} variant for {rid} (ONNX Runtime's GPU NuGet package is {WorkerVariant.GpuRid} only; a Jetson runs the {rid} zip with NVIDIA's libonnxruntime.so).");
        }

        targets = targets.Where(t => WorkerVariant.IsBuildable(t.Variant, t.Rid)).ToList();
        if (targets.Count == 0)
        {
            throw new ComponentBuildException($"Nothing to build: the {string.Join(", ", variants)} variant is not built for {string.Join(", ", rids)}.");
        }

        var layout = GdkBuildLayout.Prepare(settings.OutputDirectory ?? Path.Combine(projectRoot, BuildFolderName), config.ComponentName, config.Version);
        foreach (var (rid, variant) in targets)
        {
            var zip = await BuildWorkerZipAsync(settings, projectRoot, rid, variant, layout.ArtifactsDirectory, log, cancellationToken).ConfigureAwait(false);
            log.WriteLine($"Artifact {Display(projectRoot, zip)} ({new FileInfo(zip).Length:N0} bytes)");
        }

        var built = targets.Select(t => ArtifactZipper.ArchiveFileName(t.Rid, t.Variant)).ToHashSet(StringComparer.Ordinal);
        var kept = layout.WorkerArchives().Where(file => !built.Contains(file)).ToList();
        foreach (var file in kept)
        {
            log.WriteLine($"Kept {file} from an earlier build (not rebuilt; add its --rid or --variant to rebuild it).");
        }

        var rendered = RecipeRenderer.Render(
            await File.ReadAllTextAsync(recipePath, cancellationToken).ConfigureAwait(false),
            new RecipeRenderOptions(config.ComponentName, config.Version, config.Author),
            file => File.Exists(Path.Combine(layout.ArtifactsDirectory, file)));
        foreach (var dropped in rendered.DroppedManifests)
        {
            log.WriteLine($"Note: manifest '{dropped}' left out of the recipe: its artifact was not built (add its --rid, or --variant gpu, to include it).");
        }

        var recipeFile = Path.Combine(layout.RecipesDirectory, Path.GetFileName(recipePath));
        var text = RecipeText.FormatOf(recipeFile) == RecipeFormat.Json ? RecipeText.Serialize(rendered.Recipe, RecipeFormat.Json) : rendered.Yaml;
        await File.WriteAllTextAsync(recipeFile, text, cancellationToken).ConfigureAwait(false);
        log.WriteLine($"Recipe {Display(projectRoot, recipeFile)} ({System.Text.Encoding.UTF8.GetByteCount(rendered.Yaml):N0} of {RecipeRules.MaxRecipeBytes:N0} bytes)");
        return new ComponentBuildResult(layout.BuildDirectory, recipeFile, layout.ArtifactsDirectory, config.ComponentName, config.Version, rendered, kept);
    }

    private static string Display(string projectRoot, string path)
    {
        var relative = Path.GetRelativePath(projectRoot, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    /// <summary>The explicit template, else GDK's <c>recipe.yaml</c> or <c>recipe.json</c> in the project root (not both, as GDK).</summary>
    internal static string ResolveRecipePath(string? explicitPath, string projectRoot)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new ComponentBuildException($"Recipe template {explicitPath} not found.");
        }

        var found = TemplateFileNames.Select(name => Path.Combine(projectRoot, name)).Where(File.Exists).ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new ComponentBuildException($"No recipe template found: GDK reads recipe.yaml or recipe.json in the project folder ({projectRoot})."),
            _ => throw new ComponentBuildException($"Both recipe.yaml and recipe.json are in {projectRoot}; GDK accepts only one. Remove one of them."),
        };
    }

    /// <summary>Zips the worker for <paramref name="rid"/> into the artifacts folder, from a fresh dotnet publish in a temporary folder or the given one.</summary>
    private static async Task<string> BuildWorkerZipAsync(ComponentBuildSettings settings, string projectRoot, string rid, string variant, string artifactsDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        if (settings.SkipDotnetPublish)
        {
            var root = Path.GetFullPath(settings.PublishDirectory!);
            var perRid = Path.Combine(root, rid + WorkerVariant.Suffix(variant));
            var source = Directory.Exists(perRid) || variant != WorkerVariant.Cpu ? perRid : root;
            return ArtifactZipper.Zip(source, rid, artifactsDirectory, variant);
        }

        var project = settings.WorkerProject ?? Path.Combine(projectRoot, "src", "EdgeInference.Worker");
        var output = Directory.CreateTempSubdirectory($"edge-inference-publish-{rid}{WorkerVariant.Suffix(variant)}-").FullName;
        // Every variant and RID builds in a folder of its own: a self-contained `-r RID` publish through the projects' own
        // obj/ and bin/ would overwrite the regular build (bin/Release/net10.0/<rid>/ turned self-contained) and its restore.
        var intermediate = Directory.CreateTempSubdirectory($"edge-inference-{variant}-{rid}-build-").FullName;
        try
        {
            var (properties, artifactsPath) = PublishIsolation(variant, intermediate);
            await DotnetPublishRunner.PublishAsync(project, rid, output, log, cancellationToken, properties, artifactsPath).ConfigureAwait(false);
            return ArtifactZipper.Zip(output, rid, artifactsDirectory, variant);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
            Directory.Delete(intermediate, recursive: true);
        }
    }

    /// <summary>The MSBuild properties and the <c>--artifacts-path</c> of one variant's publish: always an artifacts path, never the projects' bin/obj.</summary>
    internal static (IReadOnlyList<string>? Properties, string ArtifactsPath) PublishIsolation(string variant, string intermediate) =>
        (variant == WorkerVariant.Gpu ? WorkerVariant.GpuPublishProperties : null, intermediate);
}
