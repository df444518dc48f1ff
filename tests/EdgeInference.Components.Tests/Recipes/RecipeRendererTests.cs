using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeInference.Components;
using EdgeInference.Components.Recipes;
using EdgeInference.Greengrass.Recipes;
using EdgeInference.Testing;
using EdgeInference.Testing.Components;
using Xunit;

namespace EdgeInference.Components.Tests.Recipes;

[Collection(ProcessTests.Collection)]
public sealed class RecipeRendererTests
{
    private static readonly RecipeRenderOptions Options = new("com.example.EdgeInference", "1.2.3", "Example Corp");
    private static readonly string GoldenPath = Path.Combine(RepoPaths.Root, "tests", "EdgeInference.Components.Tests", "Recipes", "Golden", "com.example.EdgeInference.rendered.yaml");

    [Fact]
    public void Render_RepositoryTemplate_MatchesGoldenRecipe()
    {
        var rendered = RenderTemplate(_ => true);

        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(GoldenPath, rendered.Yaml);
        }

        Assert.Equal(File.ReadAllText(GoldenPath), rendered.Yaml);
    }

    [Theory]
    [InlineData("Model/Path", "")]
    [InlineData("Model/Accelerator", "auto")]
    [InlineData("Model/IntraOpThreads", "0")]
    [InlineData("Model/GraphOptimization", "all")]
    [InlineData("Mqtt/Host", "")]
    [InlineData("Mqtt/Port", "1883")]
    [InlineData("Mqtt/ClientId", "edge-inference-{ThingName}")]
    [InlineData("Mqtt/Username", "")]
    [InlineData("Mqtt/Password", "")]
    [InlineData("Mqtt/Tls/Enabled", "false")]
    [InlineData("Mqtt/Tls/CaFile", "")]
    [InlineData("Mqtt/Tls/CertFile", "")]
    [InlineData("Mqtt/Tls/KeyFile", "")]
    [InlineData("Mqtt/SharedGroup", "")]
    [InlineData("ThingName", "")]
    [InlineData("Topics/Request", "edge-inference/{ThingName}/infer")]
    [InlineData("Topics/Result", "edge-inference/{ThingName}/result")]
    [InlineData("Topics/Describe", "edge-inference/{ThingName}/describe")]
    [InlineData("Topics/Status", "edge-inference/{ThingName}/status")]
    [InlineData("Limits/MaxPayloadBytes", "8388608")]
    [InlineData("Limits/MaxImagePixels", "40000000")]
    [InlineData("Limits/MaxConcurrentRequests", "2")]
    [InlineData("Limits/MaxQueue", "32")]
    [InlineData("Transport", "auto")]
    [InlineData("Ipc/Target", "both")]
    public void Render_RepositoryTemplate_DefaultConfigurationHoldsWorkerKey(string path, string expected)
    {
        JsonNode? node = RenderTemplate(_ => true).Recipe["ComponentConfiguration"]!["DefaultConfiguration"];
        foreach (var part in path.Split('/'))
        {
            node = node?[part];
        }

        Assert.NotNull(node);
        Assert.Equal(expected, node.ToString().ToLowerInvariant() == "false" ? "false" : node.ToString());
    }

    [Fact]
    public void Render_RepositoryTemplate_AccessControlCoversWorkerTopicsOnPubSubAndMqttProxy()
    {
        var accessControl = RenderTemplate(_ => true).Recipe["ComponentConfiguration"]!["DefaultConfiguration"]!["accessControl"]!;

        foreach (var (service, operations) in new[]
        {
            ("aws.greengrass.ipc.pubsub", new[] { "aws.greengrass#SubscribeToTopic", "aws.greengrass#PublishToTopic" }),
            ("aws.greengrass.ipc.mqttproxy", new[] { "aws.greengrass#SubscribeToIoTCore", "aws.greengrass#PublishToIoTCore" }),
        })
        {
            var policy = Assert.Single(accessControl[service]!.AsObject()).Value!;
            Assert.Equal(operations, policy["operations"]!.AsArray().Select(o => o!.GetValue<string>()));
            Assert.Equal(["edge-inference/*"], policy["resources"]!.AsArray().Select(o => o!.GetValue<string>()));
        }
    }

    [Fact]
    public void Render_RepositoryTemplate_ManifestPerArchitectureRunsWorkerFromItsZip()
    {
        var manifests = RenderTemplate(_ => true).Recipe["Manifests"]!.AsArray();

        Assert.Equal(2, manifests.Count);
        foreach (var (manifest, architecture, rid) in new[] { (manifests[0]!, "amd64", "linux-x64"), (manifests[1]!, "aarch64", "linux-arm64") })
        {
            Assert.Equal("linux", manifest["Platform"]!["os"]!.GetValue<string>());
            Assert.Equal(architecture, manifest["Platform"]!["architecture"]!.GetValue<string>());
            var artifact = Assert.Single(manifest["Artifacts"]!.AsArray())!;
            Assert.Equal($"s3://BUCKET_NAME/com.example.EdgeInference/1.2.3/edge-inference-worker-{rid}.zip", artifact["URI"]!.GetValue<string>());
            Assert.Equal("ZIP", artifact["Unarchive"]!.GetValue<string>());
            Assert.Equal("ALL", artifact["Permission"]!["Execute"]!.GetValue<string>());
            Assert.Equal("exec \"{work:path}/worker/EdgeInference.Worker\" --Transport=ipc", manifest["Lifecycle"]!["Run"]!["Script"]!.GetValue<string>());
            Assert.Contains(
                $"ln -sfn \"{{artifacts:decompressedPath}}/edge-inference-worker-{rid}\" \"{{work:path}}/worker\"",
                manifest["Lifecycle"]!["Install"]!["Script"]!.GetValue<string>(),
                StringComparison.Ordinal);
            var environment = manifest["Lifecycle"]!["Run"]!["Setenv"]!;
            Assert.Equal("{work:path}/models", environment["Models__Repository"]!.GetValue<string>());
            Assert.Equal("{work:path}/optimized-models", environment["Model__OptimizedModelCache"]!.GetValue<string>());
            Assert.Contains("libgtk-3", manifest["Lifecycle"]!["Install"]!["Script"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Contains("libOpenCvSharpExtern.so", manifests[1]!["Lifecycle"]!["Install"]!["Script"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("libOpenCvSharpExtern", manifests[0]!["Lifecycle"]!["Install"]!["Script"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RepositoryTemplate_SoftDependencyOnTokenExchangeServiceOnly()
    {
        var dependencies = RenderTemplate(_ => true).Recipe["ComponentDependencies"]!.AsObject();

        var (name, dependency) = Assert.Single(dependencies);
        Assert.Equal("aws.greengrass.TokenExchangeService", name);
        Assert.Equal("SOFT", dependency!["DependencyType"]!.GetValue<string>());
        Assert.StartsWith(">=2.0.0", dependency["VersionRequirement"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstallThenRun_X64_LinksTheStableWorkerPathToItsRidFolderAndExecsThroughIt()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("The recipe's scripts are POSIX shell.");
        }

        var lifecycle = RenderTemplate(_ => true).Recipe["Manifests"]![0]!["Lifecycle"]!;
        var link = lifecycle["Install"]!["Script"]!.GetValue<string>().Split('\n').Single(line => line.TrimStart().StartsWith("ln -sfn", StringComparison.Ordinal));
        var script = link + "\n" + lifecycle["Run"]!["Script"]!.GetValue<string>();
        var root = Directory.CreateTempSubdirectory("run-script-").FullName;
        try
        {
            var decompressed = Directory.CreateDirectory(Path.Combine(root, "decompressed", "edge-inference-worker-linux-x64")).FullName;
            var work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
            var worker = Path.Combine(decompressed, "EdgeInference.Worker");
            await File.WriteAllTextAsync(worker, "#!/bin/sh\necho \"worker $0 $*\"\n", TestContext.Current.CancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(worker, (UnixFileMode)0b111_101_101);
            }

            var resolved = script.Replace("{artifacts:decompressedPath}", Path.Combine(root, "decompressed"), StringComparison.Ordinal)
                .Replace("{work:path}", work, StringComparison.Ordinal);

            var first = await RunAsync("/bin/sh", "-c", resolved);
            var again = await RunAsync("/bin/sh", "-c", resolved);

            Assert.Equal(0, first.ExitCode);
            Assert.Equal($"worker {work}/worker/EdgeInference.Worker --Transport=ipc", first.Output.Trim());
            Assert.Equal(0, again.ExitCode);
            Assert.Equal(decompressed, new FileInfo(Path.Combine(work, "worker")).LinkTarget);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Render_OnlyX64Built_LeavesOutArm64Manifest()
    {
        var rendered = RenderTemplate(file => file.Contains("linux-x64", StringComparison.Ordinal));

        Assert.Equal(["Linux aarch64"], rendered.DroppedManifests);
        Assert.Equal(["edge-inference-worker-linux-x64.zip"], rendered.ArtifactFiles);
        Assert.Equal("amd64", Assert.Single(rendered.Recipe["Manifests"]!.AsArray())!["Platform"]!["architecture"]!.GetValue<string>());
    }

    [Fact]
    public void Render_NothingBuilt_Throws()
    {
        var error = Assert.Throws<RecipeException>(() => RenderTemplate(_ => false));

        Assert.Contains("No manifest is left", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RecipeAbove16000Bytes_ThrowsWithSize()
    {
        var template = File.ReadAllText(ComponentTestProject.TemplatePath).Replace("ComponentDescription: >-", $"ComponentDescription: {new string('x', 16_000)}\nX_: >-", StringComparison.Ordinal).Replace("X_: >-", "#", StringComparison.Ordinal);
        template = string.Join('\n', template.Split('\n').Where(l => !l.StartsWith("  ONNX Runtime vision", StringComparison.Ordinal) && !l.StartsWith("  or MQTT, with GPU", StringComparison.Ordinal)));

        var error = Assert.Throws<RecipeException>(() => RecipeRenderer.Render(template, Options, _ => true));

        Assert.Contains("Greengrass accepts at most 16,000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RepositoryTemplate_ValidAgainstGdkRecipeSchema()
    {
        var schema = GdkSchemaValidator.Load(GdkSchemaValidator.RequireSchema(GdkSchemaValidator.RecipeSchemaFile));

        Assert.Empty(schema.Validate(RenderTemplate(_ => true).Recipe, lowerCaseKeys: true));
    }

    [Fact]
    public void GdkRecipeSchema_BadUnarchive_Invalid()
    {
        var schema = GdkSchemaValidator.Load(GdkSchemaValidator.RequireSchema(GdkSchemaValidator.RecipeSchemaFile));
        var recipe = RenderTemplate(_ => true).Recipe;
        recipe["Manifests"]![0]!["Artifacts"]![0]!["Unarchive"] = "TAR";

        Assert.NotEmpty(schema.Validate(recipe, lowerCaseKeys: true));
    }

    [Fact]
    public void Check_BrokenRecipe_ReportsEveryRule()
    {
        var recipe = RecipeYaml.Parse("""
            RecipeFormatVersion: "2019-01-01"
            ComponentName: "aws.greengrass.Mine"
            ComponentVersion: "one"
            Extra: 1
            Manifests:
              - Platform: { os: linux }
                Lifecycle:
                  Run: echo a
                  Startup: echo b
                  Install: { Timeout: soon, Script: x }
                Artifacts:
                  - URI: s3://b/k.zip
                    Unarchive: TAR
                    Permission: { Read: EVERYONE }
            """);

        var errors = RecipeRules.Check(recipe, RecipeYaml.Serialize(recipe));

        Assert.Contains(errors, e => e.Contains("unknown top-level key 'Extra'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("RecipeFormatVersion must be", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("must not start with aws.greengrass", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("ComponentVersion \"one\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Run or Startup, not both", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Install.Timeout must be a number", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Unarchive must be ZIP or NONE", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Permission.Read must be NONE, OWNER or ALL", StringComparison.Ordinal));
    }

    [Fact]
    public void ForPublish_UploadedArtifacts_PointAtBucketPrefixNameAndVersion()
    {
        var built = RenderTemplate(_ => true).Recipe;

        var published = RecipeRenderer.ForPublish(built, "1.2.4", "my-bucket", "jobs/j1/", ["edge-inference-worker-linux-x64.zip"]);

        Assert.Equal("1.2.4", published.Recipe["ComponentVersion"]!.GetValue<string>());
        Assert.Equal("s3://my-bucket/jobs/j1/com.example.EdgeInference/1.2.4/edge-inference-worker-linux-x64.zip", published.Recipe["Manifests"]![0]!["Artifacts"]![0]!["URI"]!.GetValue<string>());
        Assert.Equal("s3://BUCKET_NAME/com.example.EdgeInference/1.2.3/edge-inference-worker-linux-arm64.zip", published.Recipe["Manifests"]![1]!["Artifacts"]![0]!["URI"]!.GetValue<string>());
    }

    [Fact]
    public async Task InstallScript_X64_ExitCodeAgreesWithLdconfig()
    {
        var work = Directory.CreateTempSubdirectory("install-script-").FullName;
        try
        {
            var script = RenderTemplate(_ => true).Recipe["Manifests"]![0]!["Lifecycle"]!["Install"]!["Script"]!.GetValue<string>()
                .Replace("{artifacts:decompressedPath}", Path.Combine(work, "decompressed"), StringComparison.Ordinal)
                .Replace("{work:path}", work, StringComparison.Ordinal);
            var hasGtk = (await RunAsync("/bin/sh", "-c", "(/sbin/ldconfig -p || ldconfig -p) 2>/dev/null")).Output.Contains("libgtk-3.so.0", StringComparison.Ordinal);

            var (exitCode, output) = await RunAsync("/bin/sh", "-c", script);

            Assert.Equal(hasGtk ? 0 : 1, exitCode);
            Assert.Contains(hasGtk ? "native prerequisites found" : "sudo apt-get install -y libgtk-3-0", output, StringComparison.Ordinal);
            Assert.Equal(hasGtk, new FileInfo(Path.Combine(work, "worker")).LinkTarget is not null);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static RenderedRecipe RenderTemplate(Func<string, bool> built) =>
        RecipeRenderer.Render(File.ReadAllText(ComponentTestProject.TemplatePath), Options, built);

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
