using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Core.Json;
using EdgeInference.Core.Packaging;
using EdgeInference.Greengrass.Recipes;

namespace EdgeInference.Packaging.Recipes;

/// <summary>
/// The Greengrass recipe of a model component, rendered from the template <c>recipes/model-component.yaml</c> (embedded):
/// one ZIP artifact holding the model package, a HARD dependency on the runtime component, whose worker the Startup step
/// asks to load the package (<c>models register</c>) and the Shutdown step to drop it (<c>models unregister</c>); the
/// model's name, accelerator and packaging description in DefaultConfiguration; one manifest for the target platform.
/// The component runs no worker of its own and needs no IPC policy (the runtime does all IPC).
/// </summary>
public static class ModelComponentRecipe
{
    /// <summary>The embedded template's resource name.</summary>
    public const string TemplateResource = "EdgeInference.Packaging.Recipes.model-component.yaml";

    private static readonly Lazy<string> TemplateText = new(ReadTemplate);

    /// <summary>The template as shipped (YAML).</summary>
    public static string Template => TemplateText.Value;

    public static JsonObject Build(ModelPackagingDescription description, string workerComponentName, string workerVersionRequirement)
    {
        var greengrass = description.ModelPackagingConfiguration?.Greengrass
            ?? throw new ArgumentException("The description has no Greengrass configuration.", nameof(description));
        var name = greengrass.ComponentName!;
        var version = ComponentVersionOf(description);
        var target = TargetOf(greengrass);
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["{COMPONENT_NAME}"] = name,
            ["{COMPONENT_VERSION}"] = version,
            ["{COMPONENT_DESCRIPTION}"] = greengrass.ComponentDescription
                ?? $"Model version {description.ModelVersion} of project {description.ProjectName}, served by {workerComponentName}.",
            ["{COMPONENT_PUBLISHER}"] = ModelComponentOptions.Publisher,
            ["{RUNTIME_COMPONENT_NAME}"] = workerComponentName,
            ["{RUNTIME_VERSION_REQUIREMENT}"] = workerVersionRequirement,
            ["{ACCELERATOR}"] = target.Nvidia ? "gpu" : "cpu",
            ["{MANIFEST_NAME}"] = $"Linux-{target.Architecture}{(target.Nvidia ? "-NVIDIA" : string.Empty)}",
            ["{ARCHITECTURE}"] = target.Architecture,
            ["{ARTIFACT_URI}"] = ArtifactUri(greengrass.S3OutputLocation!, name, version),
        };
        var recipe = (JsonObject)ReplaceTokens(RecipeYaml.Parse(Template), tokens)!;
        var defaults = recipe["ComponentConfiguration"]!["DefaultConfiguration"]!.AsObject();
        defaults["ModelPackagingDescription"] = JsonSerializer.SerializeToNode(description, CoreJsonContext.Default.ModelPackagingDescription);
        return recipe;
    }

    /// <summary>The recipe's bytes in <paramref name="format"/>, checked against the 16,000-byte limit.</summary>
    /// <exception cref="PackagingValidationException">The recipe is larger than GDK and Greengrass accept.</exception>
    public static byte[] Serialize(JsonObject recipe, RecipeFormat format)
    {
        var text = RecipeText.Serialize(recipe, format);
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > ModelComponentOptions.MaxRecipeBytes)
        {
            throw new PackagingValidationException(
                $"The recipe is {bytes.Length} bytes; Greengrass accepts at most {ModelComponentOptions.MaxRecipeBytes} (shorten the descriptions or tags).");
        }

        return bytes;
    }

    public static string FileName(string componentName, string componentVersion, RecipeFormat format) =>
        $"{componentName}-{componentVersion}.{(format == RecipeFormat.Json ? "json" : "yaml")}";

    /// <summary>ComponentVersion, or Lookout's default <c>&lt;ModelVersion&gt;.0.0</c>.</summary>
    public static string ComponentVersionOf(ModelPackagingDescription description) =>
        description.ModelPackagingConfiguration?.Greengrass?.ComponentVersion ?? $"{description.ModelVersion}.0.0";

    /// <summary><c>s3://Bucket/Prefix/name/version/model-package.zip</c> — where the publisher uploads the artifact.</summary>
    public static string ArtifactUri(S3Location location, string componentName, string componentVersion)
    {
        var prefix = string.IsNullOrEmpty(location.Prefix) ? string.Empty : location.Prefix.TrimEnd('/') + "/";
        return $"s3://{location.Bucket}/{prefix}{componentName}/{componentVersion}/{ModelComponentOptions.ArtifactFileName}";
    }

    /// <summary>Greengrass platform architecture, worker RID and accelerator for a Lookout target.</summary>
    public static PackagingTarget TargetOf(GreengrassConfiguration greengrass)
    {
        if (greengrass.TargetDevice is not null)
        {
            return new PackagingTarget("aarch64", "arm64", Nvidia: true);
        }

        var platform = greengrass.TargetPlatform!;
        var nvidia = platform.Accelerator == "NVIDIA";
        return platform.Arch == "ARM64"
            ? new PackagingTarget("aarch64", "arm64", nvidia)
            : new PackagingTarget("amd64", "x64", nvidia);
    }

    private static JsonNode? ReplaceTokens(JsonNode? node, IReadOnlyDictionary<string, string> tokens) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(Replace(p.Key, tokens), ReplaceTokens(p.Value, tokens)))),
        JsonArray array => new JsonArray(array.Select(item => ReplaceTokens(item, tokens)).ToArray()),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => JsonValue.Create(Replace(value.GetValue<string>(), tokens)),
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

    private static string ReadTemplate()
    {
        using var stream = typeof(ModelComponentRecipe).Assembly.GetManifestResourceStream(TemplateResource)
            ?? throw new InvalidOperationException($"The model component template ({TemplateResource}) is not embedded in {typeof(ModelComponentRecipe).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <param name="Architecture">Greengrass <c>platform.architecture</c>: aarch64 or amd64.</param>
/// <param name="Rid">The worker artifact's runtime id suffix: arm64 or x64.</param>
/// <param name="Nvidia">The target has an NVIDIA GPU (the worker is told <c>Model:Accelerator=gpu</c>).</param>
public sealed record PackagingTarget(string Architecture, string Rid, bool Nvidia);
