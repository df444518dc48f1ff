using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Core.Json;
using EdgeInference.Core.Packaging;
using EdgeInference.Greengrass.Recipes;

namespace EdgeInference.Packaging.Recipes;

/// <summary>
/// The Greengrass recipe of a model component, Lookout style: one ZIP artifact holding the model package, a HARD dependency on
/// the worker component, whose binary the Run step starts with <c>--Model:Path</c> at the unpacked package, the packaging
/// description in DefaultConfiguration, IPC policies for the worker's topics, and one manifest for the target platform.
/// </summary>
public static class ModelComponentRecipe
{
    private const string PackageFolder = "{artifacts:decompressedPath}/model-package";

    public static JsonObject Build(ModelPackagingDescription description, string workerComponentName, string workerVersionRequirement)
    {
        var greengrass = description.ModelPackagingConfiguration?.Greengrass
            ?? throw new ArgumentException("The description has no Greengrass configuration.", nameof(description));
        var name = greengrass.ComponentName!;
        var version = ComponentVersionOf(description);
        var target = TargetOf(greengrass);
        var accelerator = target.Nvidia ? "gpu" : "cpu";

        var binary = $"{{{workerComponentName}:artifacts:decompressedPath}}/edge-inference-worker-linux-{target.Rid}/EdgeInference.Worker";
        var script = $"exec \"{binary}\" \"--Model:Path={PackageFolder}\" \"--Model:Accelerator={{configuration:/Model/Accelerator}}\"";

        return new JsonObject
        {
            ["RecipeFormatVersion"] = "2020-01-25",
            ["ComponentName"] = name,
            ["ComponentVersion"] = version,
            ["ComponentDescription"] = greengrass.ComponentDescription
                ?? $"Model version {description.ModelVersion} of project {description.ProjectName}, served by {workerComponentName}.",
            ["ComponentPublisher"] = ModelComponentOptions.Publisher,
            ["ComponentDependencies"] = new JsonObject
            {
                [workerComponentName] = new JsonObject
                {
                    ["VersionRequirement"] = workerVersionRequirement,
                    ["DependencyType"] = "HARD",
                },
            },
            ["ComponentConfiguration"] = new JsonObject
            {
                ["DefaultConfiguration"] = new JsonObject
                {
                    ["Model"] = new JsonObject
                    {
                        ["Path"] = PackageFolder,
                        ["Accelerator"] = accelerator,
                    },
                    ["ModelPackagingDescription"] = JsonSerializer.SerializeToNode(description, CoreJsonContext.Default.ModelPackagingDescription),
                    ["accessControl"] = AccessControl(name),
                },
            },
            ["Manifests"] = new JsonArray
            {
                new JsonObject
                {
                    ["Name"] = $"Linux-{target.Architecture}{(target.Nvidia ? "-NVIDIA" : string.Empty)}",
                    ["Platform"] = new JsonObject
                    {
                        ["os"] = "linux",
                        ["architecture"] = target.Architecture,
                    },
                    ["Lifecycle"] = new JsonObject
                    {
                        ["Run"] = new JsonObject
                        {
                            ["Script"] = script,
                            ["RequiresPrivilege"] = false,
                        },
                    },
                    ["Artifacts"] = new JsonArray
                    {
                        new JsonObject
                        {
                            ["Uri"] = ArtifactUri(greengrass.S3OutputLocation!, name, version),
                            ["Unarchive"] = "ZIP",
                            ["Permission"] = new JsonObject { ["Read"] = "ALL", ["Execute"] = "NONE" },
                        },
                    },
                },
            },
        };
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

    private static JsonObject AccessControl(string componentName) => new()
    {
        ["aws.greengrass.ipc.pubsub"] = new JsonObject
        {
            [$"{componentName}:pubsub:1"] = new JsonObject
            {
                ["policyDescription"] = "Serve inference requests and publish results on the worker's local topics.",
                ["operations"] = new JsonArray("aws.greengrass#PublishToTopic", "aws.greengrass#SubscribeToTopic"),
                ["resources"] = new JsonArray(ModelComponentOptions.TopicResource),
            },
        },
        ["aws.greengrass.ipc.mqttproxy"] = new JsonObject
        {
            [$"{componentName}:mqttproxy:1"] = new JsonObject
            {
                ["policyDescription"] = "Serve inference requests and publish results through AWS IoT Core.",
                ["operations"] = new JsonArray("aws.greengrass#PublishToIoTCore", "aws.greengrass#SubscribeToIoTCore"),
                ["resources"] = new JsonArray(ModelComponentOptions.TopicResource),
            },
        },
    };
}

/// <param name="Architecture">Greengrass <c>platform.architecture</c>: aarch64 or amd64.</param>
/// <param name="Rid">The worker artifact's runtime id suffix: arm64 or x64.</param>
/// <param name="Nvidia">The target has an NVIDIA GPU (the worker is told <c>Model:Accelerator=gpu</c>).</param>
public sealed record PackagingTarget(string Architecture, string Rid, bool Nvidia);
