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
        var script = manifest["Lifecycle"]!["Run"]!["Script"]!.GetValue<string>();
        Assert.Contains($"{{com.example.EdgeInference:artifacts:decompressedPath}}/edge-inference-worker-linux-{rid}/EdgeInference.Worker", script);
        Assert.Contains("--Model:Path={artifacts:decompressedPath}/model-package", script);
    }

    [Fact]
    public void Build_Always_HardDependencyZipArtifactAndTopicPolicies()
    {
        var recipe = Build(X86Target);

        var dependency = recipe["ComponentDependencies"]!["com.example.EdgeInference"]!;
        Assert.Equal("HARD", dependency["DependencyType"]!.GetValue<string>());
        var artifact = recipe["Manifests"]![0]!["Artifacts"]![0]!;
        Assert.Equal("s3://factory-models/line-7/com.example.PartInspector/3.1.0/model-package.zip", artifact["Uri"]!.GetValue<string>());
        Assert.Equal("ZIP", artifact["Unarchive"]!.GetValue<string>());
        Assert.Equal("ALL", artifact["Permission"]!["Read"]!.GetValue<string>());
        var accessControl = recipe["ComponentConfiguration"]!["DefaultConfiguration"]!["accessControl"]!;
        foreach (var service in new[] { "aws.greengrass.ipc.pubsub", "aws.greengrass.ipc.mqttproxy" })
        {
            var policy = accessControl[service]!.AsObject().Single().Value!;
            Assert.Equal(["edge-inference/*"], policy["resources"]!.AsArray().Select(r => r!.GetValue<string>()));
        }

        var served = recipe["ComponentConfiguration"]!["DefaultConfiguration"]!["ModelPackagingDescription"]!;
        Assert.Equal("inspector-v3", served["JobName"]!.GetValue<string>());
        Assert.Equal(1761998400.25m, served["CreationTimestamp"]!.GetValue<decimal>());
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
