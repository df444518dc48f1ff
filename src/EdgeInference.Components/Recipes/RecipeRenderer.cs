using System.Text.Json.Nodes;
using EdgeInference.Components.Publish;
using EdgeInference.Greengrass.Recipes;

namespace EdgeInference.Components.Recipes;

/// <summary>What a rendered recipe is built for.</summary>
public sealed record RecipeRenderOptions(string ComponentName, string ComponentVersion, string Publisher);

/// <param name="Recipe">The rendered recipe tree.</param>
/// <param name="Yaml">Its YAML text (what is written and sent).</param>
/// <param name="ArtifactFiles">File names of the artifacts the recipe points at in the build folder.</param>
/// <param name="DroppedManifests">Manifests left out because none of their artifacts was built (e.g. one RID only).</param>
public sealed record RenderedRecipe(JsonObject Recipe, string Yaml, IReadOnlyList<string> ArtifactFiles, IReadOnlyList<string> DroppedManifests);

/// <summary>
/// Renders a recipe template the way GDK's build does: tokens filled, ComponentName/Version/Publisher taken from
/// gdk-config, and each <c>s3://</c> artifact found in the build output rewritten by file name to
/// <c>s3://BUCKET_NAME/NAME/VERSION/FILE</c> (publish puts the real bucket in).
/// </summary>
public static class RecipeRenderer
{
    /// <summary>The placeholder GDK leaves for the bucket until publish resolves it.</summary>
    public const string BucketPlaceholder = "BUCKET_NAME";

    private const string S3Scheme = "s3://";

    public static RenderedRecipe Render(string templateYaml, RecipeRenderOptions options, Func<string, bool> artifactBuilt)
    {
        var recipe = RecipeYaml.Parse(templateYaml);
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["{COMPONENT_NAME}"] = options.ComponentName,
            ["{COMPONENT_VERSION}"] = options.ComponentVersion,
            ["{COMPONENT_AUTHOR}"] = options.Publisher,
            ["{BUCKET_NAME}"] = BucketPlaceholder,
        };
        recipe = (JsonObject)ReplaceTokens(recipe, tokens)!;
        recipe.SetIgnoreCase("ComponentName", options.ComponentName);
        recipe.SetIgnoreCase("ComponentVersion", options.ComponentVersion);
        recipe.SetIgnoreCase("ComponentPublisher", options.Publisher);

        var artifactFiles = new List<string>();
        var dropped = new List<string>();
        if (recipe.GetIgnoreCase("Manifests") is JsonArray manifests)
        {
            foreach (var manifest in manifests.OfType<JsonObject>().ToList())
            {
                var s3Artifacts = manifest.GetIgnoreCase("Artifacts") is JsonArray list
                    ? list.OfType<JsonObject>().Where(a => a.GetStringIgnoreCase("URI")?.StartsWith(S3Scheme, StringComparison.Ordinal) == true).ToList()
                    : [];
                var built = s3Artifacts.Where(a => artifactBuilt(FileNameOf(a.GetStringIgnoreCase("URI")!))).ToList();
                if (s3Artifacts.Count > 0 && built.Count == 0)
                {
                    dropped.Add(ManifestLabel(manifest));
                    manifests.Remove(manifest);
                    continue;
                }

                if (built.Count != s3Artifacts.Count)
                {
                    var missing = s3Artifacts.Except(built).Select(a => FileNameOf(a.GetStringIgnoreCase("URI")!));
                    throw new RecipeException($"Manifest '{ManifestLabel(manifest)}' needs artifacts that were not built: {string.Join(", ", missing)}.");
                }

                foreach (var artifact in built)
                {
                    var file = FileNameOf(artifact.GetStringIgnoreCase("URI")!);
                    artifact.SetIgnoreCase("URI", $"{S3Scheme}{BucketPlaceholder}/{options.ComponentName}/{options.ComponentVersion}/{file}");
                    if (!artifactFiles.Contains(file, StringComparer.Ordinal))
                    {
                        artifactFiles.Add(file);
                    }
                }
            }

            if (manifests.Count == 0)
            {
                throw new RecipeException($"No manifest is left: none of the recipe's artifacts was built ({string.Join(", ", dropped)}).");
            }
        }

        return Finish(recipe, artifactFiles, dropped, allowNextPatch: true);
    }

    /// <summary>
    /// Publish-time rewrite (GDK's PublishRecipeTransformer): concrete version, and every <c>s3://</c> artifact whose
    /// file is among <paramref name="uploadedFiles"/> pointed at <c>s3://BUCKET/[PREFIX/]NAME/VERSION/FILE</c>.
    /// </summary>
    public static RenderedRecipe ForPublish(JsonObject builtRecipe, string componentVersion, string bucket, string? keyPrefix, IReadOnlyCollection<string> uploadedFiles)
    {
        var recipe = (JsonObject)builtRecipe.DeepClone();
        var name = recipe.GetStringIgnoreCase("ComponentName") ?? throw new RecipeException("The built recipe has no ComponentName.");
        recipe.SetIgnoreCase("ComponentVersion", componentVersion);
        var rewritten = new List<string>();
        foreach (var (_, artifact) in recipe.Artifacts())
        {
            var uri = artifact.GetStringIgnoreCase("URI");
            if (uri is null || !uri.StartsWith(S3Scheme, StringComparison.Ordinal))
            {
                continue;
            }

            var file = FileNameOf(uri);
            if (uploadedFiles.Contains(file, StringComparer.Ordinal))
            {
                artifact.SetIgnoreCase("URI", $"{S3Scheme}{bucket}/{ObjectKey(keyPrefix, name, componentVersion, file)}");
                rewritten.Add(file);
            }
        }

        return Finish(recipe, rewritten, [], allowNextPatch: false);
    }

    /// <summary>The S3 key of an artifact: <c>[prefix/]name/version/file</c>.</summary>
    public static string ObjectKey(string? keyPrefix, string componentName, string componentVersion, string file)
    {
        var prefix = string.IsNullOrEmpty(keyPrefix) ? string.Empty : keyPrefix.Trim('/') + "/";
        return $"{prefix}{componentName}/{componentVersion}/{file}";
    }

    private static RenderedRecipe Finish(JsonObject recipe, IReadOnlyList<string> artifactFiles, IReadOnlyList<string> dropped, bool allowNextPatch)
    {
        var yaml = RecipeYaml.Serialize(recipe);
        var errors = RecipeRules.Check(recipe, yaml, allowNextPatch);
        if (errors.Count > 0)
        {
            throw new RecipeException($"The rendered recipe is invalid:{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", errors)}");
        }

        return new RenderedRecipe(recipe, yaml, artifactFiles, dropped);
    }

    private static string FileNameOf(string uri) => uri[(uri.LastIndexOf('/') + 1)..];

    private static string ManifestLabel(JsonObject manifest)
    {
        if (manifest.GetStringIgnoreCase("Name") is { } name)
        {
            return name;
        }

        return manifest.GetIgnoreCase("Platform") is JsonObject platform
            ? string.Join('/', platform.Select(p => p.Value?.ToString()))
            : "(unnamed)";
    }

    private static JsonNode? ReplaceTokens(JsonNode? node, IReadOnlyDictionary<string, string> tokens) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(Replace(p.Key, tokens), ReplaceTokens(p.Value, tokens)))),
        JsonArray array => new JsonArray(array.Select(item => ReplaceTokens(item, tokens)).ToArray()),
        JsonValue value when value.TryGetValue<string>(out var text) => JsonValue.Create(Replace(text, tokens)),
        _ => node?.DeepClone(),
    };

    private static string Replace(string text, IReadOnlyDictionary<string, string> tokens)
    {
        foreach (var (token, value) in tokens)
        {
            text = text.Replace(token, value, StringComparison.Ordinal);
        }

        return text;
    }
}
