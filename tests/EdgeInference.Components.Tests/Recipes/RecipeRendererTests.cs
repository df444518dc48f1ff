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
    [InlineData("Model/ImageDecoder", "auto")]
    [InlineData("Model/OnnxRuntimeLibrary", "")]
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
    [InlineData("Limits/MaxConcurrentRuns", "2")]
    [InlineData("Limits/MaxBatchSize", "0")]
    [InlineData("Limits/BatchDelayMilliseconds", "0")]
    [InlineData("Metrics/IntervalSeconds", "10")]
    [InlineData("Metrics/Topic", "edge-inference/{ThingName}/metrics")]
    [InlineData("Metrics/CloudWatchTopic", "cloudwatch/metric/put")]
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

        foreach (var (service, operations, resources) in new[]
        {
            // Local pub/sub also carries the metrics for the CloudWatch metrics component (Metrics:CloudWatchTopic).
            ("aws.greengrass.ipc.pubsub", new[] { "aws.greengrass#SubscribeToTopic", "aws.greengrass#PublishToTopic" }, new[] { "edge-inference/*", "cloudwatch/metric/put" }),
            ("aws.greengrass.ipc.mqttproxy", new[] { "aws.greengrass#SubscribeToIoTCore", "aws.greengrass#PublishToIoTCore" }, new[] { "edge-inference/*" }),
        })
        {
            var policy = Assert.Single(accessControl[service]!.AsObject()).Value!;
            Assert.Equal(operations, policy["operations"]!.AsArray().Select(o => o!.GetValue<string>()));
            Assert.Equal(resources, policy["resources"]!.AsArray().Select(o => o!.GetValue<string>()));
        }
    }

    [Fact]
    public void Render_RepositoryTemplate_NvidiaManifestsFirstThenCpuManifestsEachWithItsZip()
    {
        var manifests = RenderTemplate(_ => true).Recipe["Manifests"]!.AsArray();

        (string Architecture, string? Accelerator, string Zip)[] expected =
        [
            ("amd64", "nvidia", "edge-inference-worker-linux-x64-gpu"),
            ("aarch64", "nvidia", "edge-inference-worker-linux-arm64"),
            ("amd64", null, "edge-inference-worker-linux-x64"),
            ("aarch64", null, "edge-inference-worker-linux-arm64"),
        ];
        Assert.Equal(expected.Length, manifests.Count);
        foreach (var (manifest, (architecture, accelerator, zip)) in manifests.Zip(expected))
        {
            var platform = manifest!["Platform"]!.AsObject();
            Assert.Equal("linux", platform["os"]!.GetValue<string>());
            Assert.Equal(architecture, platform["architecture"]!.GetValue<string>());
            Assert.Equal(accelerator, platform["accelerator"]?.GetValue<string>());
            Assert.Equal(accelerator is null ? 2 : 3, platform.Count);
            var artifact = Assert.Single(manifest["Artifacts"]!.AsArray())!;
            Assert.Equal($"s3://BUCKET_NAME/com.example.EdgeInference/1.2.3/{zip}.zip", artifact["URI"]!.GetValue<string>());
            Assert.Equal("ZIP", artifact["Unarchive"]!.GetValue<string>());
            Assert.Equal("ALL", artifact["Permission"]!["Execute"]!.GetValue<string>());
            Assert.Contains($"ln -sfn \"{{artifacts:decompressedPath}}/{zip}\" \"{{work:path}}/worker\"", Script(manifest, "Install"), StringComparison.Ordinal);
            Assert.Contains("exec \"{work:path}/worker/EdgeInference.Worker\" --Transport=ipc", Script(manifest, "Run"), StringComparison.Ordinal);
            var environment = manifest["Lifecycle"]!["Run"]!["Setenv"]!;
            Assert.Equal("{work:path}/models", environment["Models__Repository"]!.GetValue<string>());
            Assert.Equal("{work:path}/optimized-models", environment["Model__OptimizedModelCache"]!.GetValue<string>());
            Assert.DoesNotContain("OpenCvSharpExtern", Script(manifest, "Install"), StringComparison.Ordinal);
        }

        Assert.Contains("--Model:OnnxRuntimeLibrary=\"$lib\"", Script(manifests[1]!, "Run"), StringComparison.Ordinal);
        Assert.DoesNotContain("OnnxRuntimeLibrary", Script(manifests[3]!, "Run"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amd64", "nvidia", "Linux x86_64 NVIDIA")]
    [InlineData("aarch64", "nvidia", "Linux aarch64 NVIDIA Jetson")]
    [InlineData("amd64", null, "Linux x86_64")]
    [InlineData("aarch64", null, "Linux aarch64")]
    [InlineData("amd64", "other", "Linux x86_64")]
    public void Render_RepositoryTemplate_DeviceGetsTheFirstManifestItsPlatformMatches(string architecture, string? accelerator, string expected)
    {
        var manifests = RenderTemplate(_ => true).Recipe["Manifests"]!.AsArray().Select(m => m!.AsObject()).ToList();
        var device = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["os"] = "linux", ["architecture"] = architecture, ["runtime"] = "aws_nucleus_classic" };
        if (accelerator is not null)
        {
            device["accelerator"] = accelerator; // the nucleus's platformOverride adds it
        }

        var chosen = EdgeInference.Greengrass.Emulator.Recipes.PlatformMatcher.Select(manifests, device);

        Assert.Equal(expected, chosen?["Name"]?.GetValue<string>());
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

        var manifest = RenderTemplate(_ => true).Recipe["Manifests"]![2]!;
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

            string Resolve(string step) => Script(manifest, step).Replace("{artifacts:decompressedPath}", Path.Combine(root, "decompressed"), StringComparison.Ordinal)
                .Replace("{work:path}", work, StringComparison.Ordinal);

            var install = await RunAsync("/bin/sh", "-c", Resolve("Install"));
            var again = await RunAsync("/bin/sh", "-c", Resolve("Install"));
            var run = await RunAsync("/bin/sh", "-c", Resolve("Run"));

            Assert.Equal(0, install.ExitCode);
            Assert.Equal(0, again.ExitCode);
            Assert.Equal(decompressed, new FileInfo(Path.Combine(work, "worker")).LinkTarget);
            Assert.Equal(0, run.ExitCode);
            Assert.Equal($"worker {work}/worker/EdgeInference.Worker --Transport=ipc", run.Output.Trim());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("text")]
    [InlineData("library")]
    public async Task InstallAndRun_Jetson_CheckTheOnnxRuntimeLibraryAndPassItToTheWorker(string library)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("The recipe's scripts are POSIX shell.");
        }

        var manifest = RenderTemplate(_ => true).Recipe["Manifests"]![1]!;
        var root = Directory.CreateTempSubdirectory("jetson-script-").FullName;
        try
        {
            var decompressed = Directory.CreateDirectory(Path.Combine(root, "decompressed", "edge-inference-worker-linux-arm64")).FullName;
            var work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
            var worker = Path.Combine(decompressed, "EdgeInference.Worker");
            await File.WriteAllTextAsync(worker, "#!/bin/sh\necho \"worker $*\"\n", TestContext.Current.CancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(worker, (UnixFileMode)0b111_101_101);
            }

            var configured = Path.Combine(root, "onnxruntime", "libonnxruntime.so");
            Directory.CreateDirectory(Path.GetDirectoryName(configured)!);
            if (library == "text")
            {
                await File.WriteAllTextAsync(configured, "not a library", TestContext.Current.CancellationToken);
            }
            else if (library == "library")
            {
                // Any ELF shared object passes the Install check; the worker checks the ONNX Runtime version itself.
                File.Copy(Path.Combine(AppContext.BaseDirectory, "libonnxruntime.so"), configured);
            }

            string Resolve(string step) => Script(manifest, step).Replace("{artifacts:decompressedPath}", Path.Combine(root, "decompressed"), StringComparison.Ordinal)
                .Replace("{work:path}", work, StringComparison.Ordinal)
                .Replace("{configuration:/Model/OnnxRuntimeLibrary}", configured, StringComparison.Ordinal);

            var install = await RunAsync("/bin/sh", "-c", Resolve("Install"));

            if (library == "library")
            {
                Assert.True(install.ExitCode == 0, install.Output);
                Assert.Contains($"ONNX Runtime library {configured} found", install.Output, StringComparison.Ordinal);
                var run = await RunAsync("/bin/sh", "-c", Resolve("Run"));
                Assert.Equal($"worker --Transport=ipc --Model:OnnxRuntimeLibrary={configured}", run.Output.Trim());
            }
            else
            {
                Assert.Equal(1, install.ExitCode);
                Assert.Contains($"the ONNX Runtime library {configured} is missing or not a shared library", install.Output, StringComparison.Ordinal);
                Assert.Contains("./build.sh --config Release --update --build --parallel --build_shared_lib", install.Output, StringComparison.Ordinal);
                Assert.Contains("sudo cmake --install build/Linux/Release", install.Output, StringComparison.Ordinal);
                Assert.False(Directory.Exists(Path.Combine(work, "worker")));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Install_JetsonWithNoLibraryConfigured_ChecksTheDefaultPath()
    {
        var script = Script(RenderTemplate(_ => true).Recipe["Manifests"]![1]!, "Install").Replace("{configuration:/Model/OnnxRuntimeLibrary}", string.Empty, StringComparison.Ordinal);
        Assert.SkipWhen(File.Exists("/usr/local/lib/libonnxruntime.so"), "this machine has /usr/local/lib/libonnxruntime.so");

        var install = await RunAsync("/bin/sh", "-c", script);

        Assert.Equal(1, install.ExitCode);
        Assert.Contains("the ONNX Runtime library /usr/local/lib/libonnxruntime.so is missing", install.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_X64Nvidia_WarnsNamingEachMissingCudaLibraryAndTheInstallStepButSucceeds()
    {
        var script = Script(RenderTemplate(_ => true).Recipe["Manifests"]![0]!, "Install");
        var root = Directory.CreateTempSubdirectory("gpu-install-").FullName;
        try
        {
            var resolved = script.Replace("{artifacts:decompressedPath}", root, StringComparison.Ordinal).Replace("{work:path}", root, StringComparison.Ordinal);
            var libraries = (await RunAsync("/bin/sh", "-c", "(/sbin/ldconfig -p || ldconfig -p) 2>/dev/null")).Output;

            var install = await RunAsync("/bin/sh", "-c", resolved);

            Assert.Equal(0, install.ExitCode);
            var missing = new[] { "libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10", "libcudnn.so.9" }.Where(l => !libraries.Contains(l, StringComparison.Ordinal)).ToList();
            if (missing.Count == 0)
            {
                Assert.Contains("CUDA 13 and cuDNN 9 found", install.Output, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains("CUDA libraries are missing: " + string.Join(' ', missing) + ".", install.Output, StringComparison.Ordinal);
                Assert.Contains("sudo apt-get install -y cuda-libraries-13-0 cudnn9-cuda-13", install.Output, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Render_OnlyX64Built_LeavesOutArm64Manifest()
    {
        var rendered = RenderTemplate(file => file == "edge-inference-worker-linux-x64.zip");

        Assert.Equal(["Linux x86_64 NVIDIA", "Linux aarch64 NVIDIA Jetson", "Linux aarch64"], rendered.DroppedManifests);
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
        Assert.Equal("s3://my-bucket/jobs/j1/com.example.EdgeInference/1.2.4/edge-inference-worker-linux-x64.zip", published.Recipe["Manifests"]![2]!["Artifacts"]![0]!["URI"]!.GetValue<string>());
        Assert.Equal("s3://BUCKET_NAME/com.example.EdgeInference/1.2.3/edge-inference-worker-linux-arm64.zip", published.Recipe["Manifests"]![3]!["Artifacts"]![0]!["URI"]!.GetValue<string>());
    }

    [Fact]
    public async Task InstallScript_X64_SucceedsWithOrWithoutGtkAndSaysWhichDecoderCanRun()
    {
        var root = Directory.CreateTempSubdirectory("x64-install-").FullName;
        try
        {
            var script = Script(RenderTemplate(_ => true).Recipe["Manifests"]![2]!, "Install").Replace("{artifacts:decompressedPath}", root, StringComparison.Ordinal).Replace("{work:path}", root, StringComparison.Ordinal);
            var hasGtk = (await RunAsync("/bin/sh", "-c", "(/sbin/ldconfig -p || ldconfig -p) 2>/dev/null")).Output.Contains("libgtk-3.so.0", StringComparison.Ordinal);

            var (exitCode, output) = await RunAsync("/bin/sh", "-c", script);

            Assert.Equal(0, exitCode);
            Assert.Contains(hasGtk ? "OpenCV's prerequisites found" : "images are decoded with libvips", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Script(JsonNode manifest, string step) => manifest["Lifecycle"]![step] is JsonObject body
        ? body["Script"]!.GetValue<string>()
        : manifest["Lifecycle"]![step]!.GetValue<string>();

    private static RenderedRecipe RenderTemplate(Func<string, bool> built) =>
        RecipeRenderer.Render(File.ReadAllText(ComponentTestProject.TemplatePath), Options, built);

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var result = await ExternalTool.RunAsync(file, arguments, TestContext.Current.CancellationToken, timeout: TimeSpan.FromSeconds(30));
        return (result.ExitCode, result.Stdout + result.Stderr);
    }
}
