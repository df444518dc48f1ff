using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Core.Packaging;
using EdgeInference.Greengrass.Recipes;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Recipes;
using EdgeInference.Testing;
using Json.Schema;
using Xunit;
using YamlDotNet.Serialization;

namespace EdgeInference.Packaging.Tests.Recipes;

public sealed class ModelComponentRecipeTests
{
    private static readonly string SchemaPath = Path.Combine(RepoPaths.Root, "..", "shared", "schemas", "greengrass-recipe.schema.json");

    private const string X86Target = """{"TargetPlatform": {"Os": "LINUX", "Arch": "X86_64"}}""";

    public static TheoryData<string, string> Targets => new()
    {
        { "x86_64-cpu", X86Target },
        { "arm64-nvidia", """{"TargetPlatform": {"Os": "LINUX", "Arch": "ARM64", "Accelerator": "NVIDIA"}, "CompilerOptions": "{\"gpu-code\": \"sm_72\", \"trt-ver\": \"8.5.2\", \"cuda-ver\": \"11.4\"}"}""" },
        { "jetson", """{"TargetDevice": "jetson_xavier"}""" },
    };

    private static ModelPackagingDescription Description(string target)
    {
        var greengrass = JsonNode.Parse(target)!.AsObject();
        greengrass["ComponentName"] = "com.example.PartInspector";
        greengrass["ComponentVersion"] = "3.1.0";
        greengrass["S3OutputLocation"] = new JsonObject { ["Bucket"] = "factory-models", ["Prefix"] = "line-7/" };
        greengrass["Tags"] = new JsonArray(new JsonObject { ["Key"] = "site", ["Value"] = "plant-2" });
        var configuration = JsonSerializer.Deserialize(new JsonObject { ["Greengrass"] = greengrass }.ToJsonString(), PackagingJsonContext.Default.ModelPackagingConfiguration)!;
        return new ModelPackagingDescription
        {
            JobName = "inspector-v3",
            ProjectName = "part-inspector",
            ModelVersion = "3",
            ModelPackagingConfiguration = configuration,
            ModelPackagingJobDescription = "Third model, retrained on line 7 images",
            ModelPackagingMethod = "Greengrass",
            Status = ModelPackagingJobStatus.SUCCEEDED,
            CreationTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_761_998_400_250),
            LastUpdatedTimestamp = DateTimeOffset.FromUnixTimeSeconds(1_761_998_460),
            ModelPackagingOutputDetails = new ModelPackagingOutputDetails
            {
                Greengrass = new GreengrassOutputDetails { ComponentName = "com.example.PartInspector", ComponentVersion = "3.1.0" },
            },
        };
    }

    private static JsonObject Build(string target) =>
        ModelComponentRecipe.Build(Description(target), ModelComponentOptions.DefaultWorkerComponentName, ModelComponentOptions.DefaultWorkerVersionRequirement);

    [Fact]
    public void Serialize_X86Yaml_MatchesGolden()
    {
        var yaml = Encoding.UTF8.GetString(ModelComponentRecipe.Serialize(Build(X86Target), RecipeFormat.Yaml));
        var goldenPath = Path.Combine(RepoPaths.Root, "tests", "EdgeInference.Packaging.Tests", "Recipes", "Golden", "model-component-x86_64.yaml");
        var golden = File.Exists(goldenPath) ? File.ReadAllText(goldenPath).ReplaceLineEndings("\n") : null;
        if (golden != yaml)
        {
            // Leave the new output beside the test run for review (copy it over the golden file when the change is intended).
            File.WriteAllText(Path.Combine(Path.GetTempPath(), "model-component-x86_64.actual.yaml"), yaml);
        }

        Assert.Equal(golden, yaml);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Build_Target_MapsPlatformAcceleratorAndWorkerBinary(string name, string target)
    {
        var recipe = Build(target);

        var manifest = recipe["Manifests"]!.AsArray().Single()!;
        var (architecture, rid, accelerator) = name switch
        {
            "x86_64-cpu" => ("amd64", "x64", "cpu"),
            _ => ("aarch64", "arm64", "gpu"),
        };
        Assert.Equal("linux", manifest["Platform"]!["os"]!.GetValue<string>());
        Assert.Equal(architecture, manifest["Platform"]!["architecture"]!.GetValue<string>());
        Assert.Equal(accelerator, recipe["ComponentConfiguration"]!["DefaultConfiguration"]!["Model"]!["Accelerator"]!.GetValue<string>());
        Assert.Equal(["Startup", "Shutdown"], manifest["Lifecycle"]!.AsObject().Select(p => p.Key));
        var startup = manifest["Lifecycle"]!["Startup"]!;
        Assert.Equal(900, startup["Timeout"]!.GetValue<long>());
        Assert.Equal(
            "exec \"{com.example.EdgeInference:work:path}/worker/EdgeInference.Worker\" models register --repository \"{com.example.EdgeInference:work:path}/models\" "
            + "--component \"com.example.PartInspector\" --name \"{configuration:/ModelName}\" --package \"{artifacts:decompressedPath}/model-package\" "
            + "--artifacts-path \"{artifacts:path}\" --wait 900",
            startup["Script"]!.GetValue<string>());
        Assert.Equal(
            "exec \"{com.example.EdgeInference:work:path}/worker/EdgeInference.Worker\" models unregister --repository \"{com.example.EdgeInference:work:path}/models\" "
            + "--component \"com.example.PartInspector\"",
            manifest["Lifecycle"]!["Shutdown"]!["Script"]!.GetValue<string>());
        Assert.DoesNotContain("edge-inference-worker-linux-", recipe.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Always_HardDependencyZipArtifactModelNameAndNoPolicies()
    {
        var recipe = Build(X86Target);

        var dependency = recipe["ComponentDependencies"]!["com.example.EdgeInference"]!;
        Assert.Equal("HARD", dependency["DependencyType"]!.GetValue<string>());
        var artifact = recipe["Manifests"]![0]!["Artifacts"]![0]!;
        Assert.Equal("s3://factory-models/line-7/com.example.PartInspector/3.1.0/model-package.zip", artifact["Uri"]!.GetValue<string>());
        Assert.Equal("ZIP", artifact["Unarchive"]!.GetValue<string>());
        Assert.Equal("ALL", artifact["Permission"]!["Read"]!.GetValue<string>());
        // No worker of its own, so no IPC policy: the runtime does all IPC.
        var defaults = recipe["ComponentConfiguration"]!["DefaultConfiguration"]!.AsObject();
        Assert.Equal(["ModelName", "Model", "ModelPackagingDescription"], defaults.Select(p => p.Key));
        Assert.Equal("com.example.PartInspector", defaults["ModelName"]!.GetValue<string>());
        Assert.Equal(">=1.0.0 <2.0.0", dependency["VersionRequirement"]!.GetValue<string>());

        var served = recipe["ComponentConfiguration"]!["DefaultConfiguration"]!["ModelPackagingDescription"]!;
        Assert.Equal("inspector-v3", served["JobName"]!.GetValue<string>());
        Assert.Equal(1761998400.25m, served["CreationTimestamp"]!.GetValue<decimal>());
    }

    [Fact]
    public void Build_OtherRuntimeComponent_DependsOnItAndRunsItsWorker()
    {
        var recipe = ModelComponentRecipe.Build(Description(X86Target), "com.acme.Runtime", ">=3.0.0 <4.0.0");

        Assert.Equal("HARD", recipe["ComponentDependencies"]!["com.acme.Runtime"]!["DependencyType"]!.GetValue<string>());
        Assert.StartsWith("exec \"{com.acme.Runtime:work:path}/worker/EdgeInference.Worker\" models register --repository \"{com.acme.Runtime:work:path}/models\"",
            recipe["Manifests"]![0]!["Lifecycle"]!["Startup"]!["Script"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Template_RepositoryFile_IsTheEmbeddedOne()
    {
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "recipes", "model-component.yaml")), ModelComponentRecipe.Template);
    }

    [Fact]
    public void Serialize_OverSizeLimit_RefusedWithTheLimit()
    {
        var recipe = Build(X86Target);
        recipe["ComponentDescription"] = new string('x', 17_000);

        var error = Assert.Throws<PackagingValidationException>(() => ModelComponentRecipe.Serialize(recipe, RecipeFormat.Json));

        Assert.Contains("at most 16000", error.Message);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Serialize_EveryTargetAndFormat_FitsTheSizeLimitAndReadsBack(string name, string target)
    {
        _ = name;
        var recipe = Build(target);
        foreach (var format in new[] { RecipeFormat.Yaml, RecipeFormat.Json })
        {
            var bytes = ModelComponentRecipe.Serialize(recipe, format);
            Assert.InRange(bytes.Length, 1, ModelComponentOptions.MaxRecipeBytes);
            var readBack = format == RecipeFormat.Json ? JsonNode.Parse(bytes)! : IndependentYaml.ToJson(Encoding.UTF8.GetString(bytes));
            Assert.Equal("2020-01-25", readBack["RecipeFormatVersion"]!.GetValue<string>());
            Assert.Equal("3.1.0", readBack["ComponentVersion"]!.GetValue<string>());
            Assert.Equal("3", readBack["ComponentConfiguration"]!["DefaultConfiguration"]!["ModelPackagingDescription"]!["ModelVersion"]!.GetValue<string>());
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Serialize_EveryTargetAndFormat_ValidAgainstGdkRecipeSchema(string name, string target)
    {
        _ = name;
        if (!File.Exists(SchemaPath))
        {
            Assert.Skip($"GDK's recipe schema is not beside the repository ({SchemaPath}).");
        }

        var schema = JsonSchema.FromText(File.ReadAllText(SchemaPath));
        var recipe = Build(target);
        foreach (var format in new[] { RecipeFormat.Yaml, RecipeFormat.Json })
        {
            var bytes = ModelComponentRecipe.Serialize(recipe, format);
            var node = format == RecipeFormat.Json ? JsonNode.Parse(bytes)! : IndependentYaml.ToJson(Encoding.UTF8.GetString(bytes));

            // GDK lower-cases every key before it validates (gdk/common/RecipeValidator.py).
            using var document = JsonDocument.Parse(LowerCaseKeys(node)!.ToJsonString());
            var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List });

            Assert.True(result.IsValid, $"{format}: " + string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        }
    }

    [Fact]
    public void Schema_RecipeWithBadDependencyType_Invalid()
    {
        if (!File.Exists(SchemaPath))
        {
            Assert.Skip($"GDK's recipe schema is not beside the repository ({SchemaPath}).");
        }

        var schema = JsonSchema.FromText(File.ReadAllText(SchemaPath));
        var recipe = Build(X86Target);
        recipe["ComponentDependencies"]!["com.example.EdgeInference"]!["DependencyType"] = "MAYBE";
        using var document = JsonDocument.Parse(LowerCaseKeys(recipe)!.ToJsonString());

        Assert.False(schema.Evaluate(document.RootElement).IsValid);
    }

    private static JsonNode? LowerCaseKeys(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key.ToLowerInvariant(), LowerCaseKeys(p.Value)))),
        JsonArray array => new JsonArray(array.Select(LowerCaseKeys).ToArray()),
        _ => node?.DeepClone(),
    };
}
