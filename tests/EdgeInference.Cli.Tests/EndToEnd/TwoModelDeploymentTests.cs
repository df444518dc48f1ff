using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Cli.Tests.Commands.Packaging;
using EdgeInference.Components.Recipes;
using EdgeInference.Greengrass.Emulator;
using EdgeInference.Greengrass.Emulator.Deployments;
using EdgeInference.Packaging;
using EdgeInference.Testing;
using EdgeInference.Testing.Aws;
using EdgeInference.Testing.Packaging;
using Xunit;

namespace EdgeInference.Cli.Tests.EndToEnd;

/// <summary>
/// Issue 7's proof: a Greengrass deployment of the runtime, two model components made by start-model-packaging-job and a
/// camera component of the user's own (npm aws-iot-device-sdk-v2), run by the nucleus emulator from their recipes. Each
/// camera request gets exactly one reply, from the model it addressed, carrying that model component's ARN (the account
/// from STS — moto — with the token exchange service's credentials).
/// </summary>
[Collection(ProcessTests.Collection)]
public sealed class TwoModelDeploymentTests(MotoServer moto) : IDisposable
{
    private const string Runtime = "com.example.EdgeInference";
    private const string Colors = "com.example.Colors";
    private const string Grey = "com.example.Grey";
    private const string Camera = "com.example.TwoModelCamera";
    private readonly TempDirectory _temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Deployment_TwoModelsAndACamera_EachRequestAnsweredOnceByTheModelItNamed_WithThatComponentsArn()
    {
        var (recipes, artifacts) = await PrepareAsync();
        var camera = AddCamera(recipes, artifacts, [$"edge-inference/e2e/models/{Colors}/infer", $"edge-inference/e2e/models/{Grey}/infer"]);
        await using var emulator = await StartEmulatorAsync();
        var output = new ConcurrentQueue<(string Component, string Line)>();

        await using (var deployment = await DeployAsync(emulator, recipes, artifacts, camera, output))
        {
            await WaitForAsync(() => emulator.GetState(Camera) is ComponentLifecycleState.Finished or ComponentLifecycleState.Errored or ComponentLifecycleState.Broken, "the camera to finish");
            Assert.Equal(ComponentLifecycleState.Finished, emulator.GetState(Camera));

            var replies = output.Where(o => o.Component == Camera && o.Line.StartsWith("RESULT ", StringComparison.Ordinal))
                .Select(o => JsonNode.Parse(o.Line["RESULT ".Length..])!)
                .ToList();
            Assert.Equal(["camera-0", "camera-1"], replies.Select(r => r["RequestId"]!.GetValue<string>()).Order());
            Assert.True(replies.All(r => r["Model"]?["ComponentVersionArn"] is not null), string.Join("\n", output.Where(o => o.Component == Runtime).Select(o => o.Line)));
            var colors = replies.Single(r => r["RequestId"]!.GetValue<string>() == "camera-0");
            var grey = replies.Single(r => r["RequestId"]!.GetValue<string>() == "camera-1");
            Assert.NotNull(colors["Classifications"]);
            Assert.NotNull(grey["DetectAnomalyResult"]);
            Assert.Equal(Colors, colors["Model"]!["ComponentName"]!.GetValue<string>());
            Assert.Equal(Grey, grey["Model"]!["ComponentName"]!.GetValue<string>());
            Assert.Equal($"arn:aws:greengrass:us-east-1:{MotoServer.Account}:components:{Colors}:versions:1.0.0", colors["Model"]!["ComponentVersionArn"]!.GetValue<string>());
            Assert.Equal($"arn:aws:greengrass:us-east-1:{MotoServer.Account}:components:{Grey}:versions:1.0.0", grey["Model"]!["ComponentVersionArn"]!.GetValue<string>());

            // Each model component's Startup said the worker serves its model.
            Assert.Contains(output, o => o.Component == Colors && o.Line.Contains($"serves model '{Colors}'", StringComparison.Ordinal));
            Assert.Contains(output, o => o.Component == Grey && o.Line.Contains($"serves model '{Grey}'", StringComparison.Ordinal));
        }

        // Stopping ran each model component's Shutdown (models unregister) cleanly.
        var problems = output.Where(o => o.Component is Colors or Grey && (o.Line.Contains("exception", StringComparison.OrdinalIgnoreCase) || o.Line.Contains("not found", StringComparison.Ordinal))).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", output.Select(o => $"[{o.Component}] {o.Line}")));
    }

    [Fact]
    public async Task Deployment_TwoModelComponentsClaimingOneName_IsRefused_NamingTheComponentThatHasIt()
    {
        var (recipes, artifacts) = await PrepareAsync();
        await using var emulator = await StartEmulatorAsync();
        var request = Request(recipes, artifacts, camera: null, new Dictionary<string, ConfigurationUpdate>
        {
            [Grey] = new(new JsonObject { ["ModelName"] = "inspection" }, []),
            [Colors] = new(new JsonObject { ["ModelName"] = "inspection" }, []),
        });
        await using var deployment = await Deployment.CreateAsync(emulator, request, Options(), cancellationToken: Token);
        var output = new ConcurrentQueue<string>();
        deployment.OutputReceived += (_, line) => output.Enqueue(line.Text);

        var failure = await Assert.ThrowsAsync<DeploymentFailedException>(() => deployment.StartAsync(Token));

        Assert.Contains(failure.ComponentName, new[] { Colors, Grey });
        Assert.Contains(output, l => l.Contains("Model name 'inspection' is already served by com.example.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deployment_NvidiaModelOnACpuOnlyDevice_EndsBrokenSayingWhatIsMissingAndHowToAddIt_AsTheWorkerDoes()
    {
        // The model was packaged for Accelerator NVIDIA (Model.Accelerator gpu); the device declares no accelerator, so
        // Greengrass installs the runtime's CPU artifact. The model component must not end BROKEN without saying why.
        var (recipes, artifacts) = await PrepareAsync(nvidia: Colors);
        await using var emulator = await StartEmulatorAsync();
        var request = Request(recipes, artifacts, camera: null, new Dictionary<string, ConfigurationUpdate>
        {
            [Colors] = new(new JsonObject { ["Model"] = new JsonObject() }, []),
        });
        await using var deployment = await Deployment.CreateAsync(emulator, request, Options(), cancellationToken: Token);
        var output = new ConcurrentQueue<(string Component, string Line)>();
        deployment.OutputReceived += (_, line) => output.Enqueue((line.ComponentName, line.Text));

        var failure = await Assert.ThrowsAsync<DeploymentFailedException>(() => deployment.StartAsync(Token));

        var everything = string.Join("\n", output.Select(o => $"[{o.Component}] {o.Line}"));
        Assert.Equal(Colors, failure.ComponentName);
        Assert.Equal(ComponentLifecycleState.Broken, emulator.GetState(Colors));
        const string said = "models register: the worker cannot serve model 'com.example.Colors' of com.example.Colors: ";
        var refusal = output.Where(o => o.Component == Colors && o.Line.Contains(said, StringComparison.Ordinal)).Select(o => o.Line).FirstOrDefault();
        Assert.True(refusal is not null, everything);
        var reason = refusal[(refusal.IndexOf(said, StringComparison.Ordinal) + said.Length)..];
        Assert.Contains("Model:Accelerator is 'gpu' but CUDA is unavailable", reason, StringComparison.Ordinal);
        Assert.Contains("This is the worker's CPU build", reason, StringComparison.Ordinal);
        Assert.Contains("platformOverride: {accelerator: nvidia}", reason, StringComparison.Ordinal);
        Assert.Contains("redeploy com.example.EdgeInference", reason, StringComparison.Ordinal);
        Assert.Contains("Model.Accelerator to auto or cpu", reason, StringComparison.Ordinal);

        // The worker reported the very same text (its status message and describe take it from the same place) and never
        // failed itself: only the model component broke (then the failed deployment stopped what it had started).
        Assert.Contains(output, o => o.Component == Runtime && o.Line.Contains(reason, StringComparison.Ordinal));
        Assert.DoesNotContain(emulator.StateChanges, change => change.ComponentName == Runtime && change.State is ComponentLifecycleState.Errored or ComponentLifecycleState.Broken);
    }

    private async Task<(string Recipes, string Artifacts)> PrepareAsync(string? nvidia = null)
    {
        moto.RequireRunning();
        var recipes = Directory.CreateDirectory(_temp.Combine("deploy", "recipes")).FullName;
        var artifacts = Directory.CreateDirectory(_temp.Combine("deploy", "artifacts")).FullName;

        // The runtime: the repository's recipe, rendered, with the worker's build output as its linux-x64 artifact.
        var runtimeArtifacts = Directory.CreateDirectory(Path.Combine(artifacts, Runtime, "1.0.0")).FullName;
        ZipFolder(WorkerProcess.WorkerDirectory, Path.Combine(runtimeArtifacts, "edge-inference-worker-linux-x64.zip"));
        var rendered = RecipeRenderer.Render(
            await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "recipe.yaml"), Token),
            new RecipeRenderOptions(Runtime, "1.0.0", "Tests"),
            file => File.Exists(Path.Combine(runtimeArtifacts, file)));
        await File.WriteAllTextAsync(Path.Combine(recipes, "recipe.yaml"), rendered.Yaml, Token);

        // Two model components, packaged by the Lookout-compatible job from the test models.
        var cli = new PackagingCli(_temp.Combine("store"), new PackagingDependencies());
        foreach (var (project, package, component) in new[] { ("colors", TestModels.ColorClassifier, Colors), ("grey", TestModels.GreyAnomaly, Grey) })
        {
            Assert.Equal(0, (await cli.RunAsync("create-model", "--project-name", project, "--model", package)).ExitCode);
            var configuration = component == nvidia
                ? SmallPackages.Configuration(component, "1.0.0", """ "TargetPlatform": {"Os": "LINUX", "Arch": "X86_64", "Accelerator": "NVIDIA"}, "CompilerOptions": "{\"gpu-code\": \"sm_75\", \"trt-ver\": \"10.0\", \"cuda-ver\": \"13.0\"}" """)
                : SmallPackages.Configuration(component, "1.0.0");
            var job = await cli.RunAsync("start-model-packaging-job", "--project-name", project, "--model-version", "1", "--job-name", "job", "--configuration", configuration);
            Assert.True(job.ExitCode == 0, job.Stderr);
            var build = _temp.Combine("store", "projects", project, "jobs", "job", "greengrass-build");
            foreach (var recipe in Directory.EnumerateFiles(Path.Combine(build, "recipes")))
            {
                File.Copy(recipe, Path.Combine(recipes, Path.GetFileName(recipe)));
            }

            CopyTree(Path.Combine(build, "artifacts"), artifacts);
        }

        return (recipes, artifacts);
    }

    private string AddCamera(string recipes, string artifacts, IReadOnlyList<string> modelTopics)
    {
        var folder = Directory.CreateDirectory(Path.Combine(artifacts, Camera, "1.0.0")).FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "EndToEnd", "two-model-camera.js"), Path.Combine(folder, "two-model-camera.js"));
        File.WriteAllBytes(Path.Combine(_temp.Path, "photo.png"), TestImages.GreyWithWhiteSquare(64, 64, 24));
        var recipe = new JsonObject
        {
            ["RecipeFormatVersion"] = "2020-01-25",
            ["ComponentName"] = Camera,
            ["ComponentVersion"] = "1.0.0",
            ["ComponentDependencies"] = new JsonObject
            {
                // Started once both models are registered and loaded (their Startup has exited 0).
                [Colors] = new JsonObject { ["VersionRequirement"] = "^1.0.0", ["DependencyType"] = "HARD" },
                [Grey] = new JsonObject { ["VersionRequirement"] = "^1.0.0", ["DependencyType"] = "HARD" },
            },
            ["ComponentConfiguration"] = new JsonObject
            {
                ["DefaultConfiguration"] = new JsonObject
                {
                    ["accessControl"] = new JsonObject
                    {
                        ["aws.greengrass.ipc.pubsub"] = new JsonObject
                        {
                            [$"{Camera}:pubsub:1"] = new JsonObject
                            {
                                ["policyDescription"] = "Send images to the models, read their results.",
                                ["operations"] = new JsonArray("aws.greengrass#PublishToTopic", "aws.greengrass#SubscribeToTopic"),
                                ["resources"] = new JsonArray("edge-inference/*"),
                            },
                        },
                    },
                },
            },
            ["Manifests"] = new JsonArray(new JsonObject
            {
                ["Platform"] = new JsonObject { ["os"] = "linux" },
                ["Lifecycle"] = new JsonObject
                {
                    ["Setenv"] = new JsonObject
                    {
                        ["NODE_PATH"] = RepoPaths.NodeModules,
                        ["MODEL_TOPICS"] = string.Join(',', modelTopics),
                        ["REPLY_TOPIC"] = "edge-inference/e2e/replies/camera",
                        ["IMAGE_FILE"] = Path.Combine(_temp.Path, "photo.png"),
                    },
                    ["Run"] = "node {artifacts:path}/two-model-camera.js",
                },
                ["Artifacts"] = new JsonArray(new JsonObject { ["URI"] = $"s3://my-bucket/{Camera}/1.0.0/two-model-camera.js" }),
            }),
        };
        File.WriteAllText(Path.Combine(recipes, $"{Camera}-1.0.0.json"), recipe.ToJsonString());
        return Camera;
    }

    private async Task<NucleusEmulator> StartEmulatorAsync()
    {
        var node = new[] { "/usr/bin/node", "/usr/local/bin/node" }.FirstOrDefault(File.Exists);
        if (node is null || !Directory.Exists(Path.Combine(RepoPaths.NodeModules, "aws-iot-device-sdk-v2")))
        {
            Assert.Skip("node or tests/node/node_modules/aws-iot-device-sdk-v2 is absent (tests/run.sh installs them).");
        }

        var emulator = new NucleusEmulator(new NucleusEmulatorOptions { SocketPath = _temp.Combine("ipc.socket"), ThingName = "e2e", Region = "us-east-1" });
        await emulator.StartAsync(Token);
        return emulator;
    }

    private async Task<Deployment> DeployAsync(NucleusEmulator emulator, string recipes, string artifacts, string camera, ConcurrentQueue<(string, string)> output)
    {
        var deployment = await Deployment.CreateAsync(emulator, Request(recipes, artifacts, camera, []), Options(), cancellationToken: Token);
        deployment.OutputReceived += (_, line) => output.Enqueue((line.ComponentName, line.Text));
        await deployment.StartAsync(Token);
        return deployment;
    }

    private LocalDeploymentRequest Request(string recipes, string artifacts, string? camera, Dictionary<string, ConfigurationUpdate> updates)
    {
        var roots = new Dictionary<string, string> { [Runtime] = "1.0.0", [Colors] = "1.0.0", [Grey] = "1.0.0" };
        if (camera is not null)
        {
            roots[camera] = "1.0.0";
        }

        updates[Runtime] = new ConfigurationUpdate(
            new JsonObject
            {
                ["Model"] = new JsonObject { ["Accelerator"] = "cpu", ["IntraOpThreads"] = "1", ["OptimizedModelCache"] = "off" },
                ["Greengrass"] = new JsonObject { ["StsEndpoint"] = moto.Url },
                ["Ipc"] = new JsonObject { ["Target"] = "local" },
            },
            []);
        foreach (var model in new[] { Colors, Grey })
        {
            var merge = updates.TryGetValue(model, out var existing) ? existing.Merge ?? [] : [];
            merge["Model"] ??= new JsonObject { ["Accelerator"] = "cpu" }; // a test's own Model section keeps the packaged accelerator
            updates[model] = new ConfigurationUpdate(merge, []);
        }

        return new LocalDeploymentRequest { RecipeDirectory = recipes, ArtifactDirectory = artifacts, RootComponents = roots, ConfigurationUpdates = updates };
    }

    private DeploymentOptions Options() => new()
    {
        RootPath = _temp.Combine("root"),
        TesCredentials = new EdgeInference.Greengrass.Emulator.Tes.TesCredentials { AccessKeyId = "AKIDEXAMPLE", SecretAccessKey = "secret" },
    };

    private static async Task WaitForAsync(Func<bool> done, string what)
    {
        for (var i = 0; i < 1200 && !done(); i++)
        {
            await Task.Delay(100, Token);
        }

        Assert.True(done(), $"timed out waiting for {what}");
    }

    private static void ZipFolder(string folder, string zip)
    {
        using var archive = ZipFile.Open(zip, ZipArchiveMode.Create);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            // CreateEntryFromFile keeps the Unix permissions on Unix: the worker binary stays executable.
            archive.CreateEntryFromFile(file, Path.GetRelativePath(folder, file), CompressionLevel.Fastest);
        }
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
