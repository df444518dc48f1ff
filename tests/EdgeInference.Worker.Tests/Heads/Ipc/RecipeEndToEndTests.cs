using System.IO.Compression;
using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator;
using EdgeInference.Greengrass.Emulator.Recipes;
using EdgeInference.Testing;
using EdgeInference.Worker.Tests.Fixtures;
using Xunit;
using static EdgeInference.Worker.Tests.Fixtures.IpcHarness;

namespace EdgeInference.Worker.Tests.Heads.Ipc;

/// <summary>
/// The showpiece: the emulator runs the repository's recipe exactly as a nucleus would (artifact unarchived, Install
/// check, Run with SVCUID and the socket in the environment); the worker process reads its configuration over IPC,
/// reports RUNNING, and serves a request another component publishes on local pub/sub.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class RecipeEndToEndTests : IDisposable
{
    private const string ComponentName = "com.example.EdgeInference";
    private const string Rid = "linux-x64";
    private readonly string _folder = Directory.CreateTempSubdirectory("ei-e2e-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    [Fact]
    public async Task Recipe_RunByTheEmulator_WorkerServesOverIpc_AndStopsCleanly()
    {
        if (System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier != Rid)
        {
            Assert.Skip($"The recipe's {Rid} manifest only runs on {Rid}.");
        }

        var workerOutput = WorkerBuildOutput();
        var artifacts = Directory.CreateDirectory(Path.Combine(_folder, "artifacts")).FullName;
        ZipWorker(workerOutput, Path.Combine(artifacts, $"edge-inference-worker-{Rid}.zip"));
        var recipeText = (await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "recipe.yaml"), Token))
            .Replace("{COMPONENT_NAME}", ComponentName, StringComparison.Ordinal)
            .Replace("{COMPONENT_VERSION}", "1.0.0", StringComparison.Ordinal)
            .Replace("{COMPONENT_AUTHOR}", "Tests", StringComparison.Ordinal)
            .Replace("{BUCKET_NAME}", "test-bucket", StringComparison.Ordinal);

        await using var harness = await IpcHarness.StartAsync(o => o.ThingName = "e2e");
        var runner = new ComponentRunner(
            harness.Emulator,
            new ComponentRunOptions
            {
                Recipe = RecipeLoader.Parse(recipeText),
                ArtifactsPath = artifacts,
                RootPath = Path.Combine(_folder, "root"),
                MergeConfiguration = new JsonObject
                {
                    ["Model"] = new JsonObject { ["Path"] = TestModels.ColorClassifier, ["Accelerator"] = "cpu", ["IntraOpThreads"] = "1" },
                },
                StopTimeout = TimeSpan.FromSeconds(15),
            });
        await using (runner)
        {
            var camera = await harness.ConnectCameraAsync();
            await using var results = await camera.SubscribeToTopicAsync("edge-inference/e2e/result", cancellationToken: Token);
            await runner.StartAsync(Token);

            await WaitForUpdateStateRunningAsync(harness.Emulator, runner);
            // The Run step runs the worker through {work:path}/worker, the stable path model components use.
            Assert.Equal(Path.Combine(runner.DecompressedPath, $"edge-inference-worker-{Rid}"), new FileInfo(Path.Combine(runner.WorkPath, "worker")).LinkTarget);
            await camera.PublishToTopicAsync("edge-inference/e2e/infer", TestImages.Solid(24, 24, (0, 200, 0), ".jpg"), Token);
            var result = await NextJsonAsync(results);

            Assert.Equal("green", result.GetProperty("Classifications")[0].GetProperty("Label").GetString());
            Assert.Equal("CPUExecutionProvider", result.GetProperty("ExecutionProvider").GetString());
            var fromNode = await RequestWithNpmSdkAsync(harness.Emulator, "edge-inference/e2e/infer", TestImages.Solid(24, 24, (250, 0, 0), ".png"));
            Assert.Equal("npm-camera-1", fromNode.GetProperty("RequestId").GetString());
            Assert.Equal("red", fromNode.GetProperty("Classifications")[0].GetProperty("Label").GetString());
            Assert.Contains(harness.Emulator.Calls, c => c.ComponentName == ComponentName && c.Operation == "aws.greengrass#GetConfiguration" && c.ErrorCode is null);

            await runner.StopAsync(Token);
            Assert.Equal(0, await runner.RunCompletion.WaitAsync(TimeSpan.FromSeconds(20), Token));
        }
    }

    /// <summary>
    /// A component written with the official npm Greengrass IPC client (aws-iot-device-sdk-v2) sends a JSON request with
    /// ReplyTo and returns the reply, proving a third-party client gets served by the worker through the nucleus.
    /// </summary>
    private async Task<System.Text.Json.JsonElement> RequestWithNpmSdkAsync(NucleusEmulator emulator, string requestTopic, byte[] image)
    {
        var node = new[] { "/usr/bin/node", "/usr/local/bin/node" }.FirstOrDefault(File.Exists);
        if (node is null || !Directory.Exists(Path.Combine(RepoPaths.NodeModules, "aws-iot-device-sdk-v2")))
        {
            Assert.Skip("node or tests/node/node_modules/aws-iot-device-sdk-v2 is absent (tests/run.sh installs them).");
        }

        const string NodeComponent = "com.example.NodeCamera";
        var registration = emulator.AddComponent(NodeComponent, new JsonObject { ["accessControl"] = Policies(NodeComponent, "edge-inference/*", "camera/*") });
        var imagePath = Path.Combine(_folder, "node-image.png");
        await File.WriteAllBytesAsync(imagePath, image, Token);
        var camera = await ExternalTool.RunAsync(
            node,
            [Path.Combine(AppContext.BaseDirectory, "Npm", "camera-client.js")],
            Token,
            timeout: TimeSpan.FromSeconds(40),
            environment: new Dictionary<string, string?>
            {
                ["NODE_PATH"] = RepoPaths.NodeModules,
                ["AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT"] = emulator.SocketPath,
                ["SVCUID"] = registration.AuthToken,
                ["REQUEST_TOPIC"] = requestTopic,
                // The worker may only publish where its recipe's accessControl lets it: edge-inference/*.
                ["REPLY_TOPIC"] = "edge-inference/e2e/replies/node-camera",
                ["IMAGE_FILE"] = imagePath,
            });
        var line = camera.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        Assert.True(camera.ExitCode == 0 && line is not null, $"node exited with {camera.ExitCode}: {camera.Stdout} {camera.Stderr}");
        return System.Text.Json.JsonDocument.Parse(line!["RESULT ".Length..]).RootElement.Clone();
    }

    private static async Task WaitForUpdateStateRunningAsync(NucleusEmulator emulator, ComponentRunner runner)
    {
        for (var i = 0; i < 300; i++)
        {
            if (emulator.StateChanges.Any(c => c.ComponentName == ComponentName && c.Source == StateChangeSource.UpdateState && c.State == ComponentLifecycleState.Running))
            {
                return;
            }

            if (runner.RunCompletion.IsCompleted)
            {
                break;
            }

            await Task.Delay(100, Token);
        }

        Assert.Fail("The worker never reported RUNNING over IPC. Its output:\n" + string.Join('\n', runner.Output.Select(o => $"[{o.Step}] {o.Text}")));
    }

    /// <summary>The worker's own build output for this configuration (the test project builds it as a reference).</summary>
    private static string WorkerBuildOutput()
    {
        var testOutput = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var marker = $"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}";
        var flavour = testOutput[(testOutput.LastIndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
        var output = Path.Combine(RepoPaths.Root, "src", "EdgeInference.Worker", "bin", flavour);
        Assert.True(File.Exists(Path.Combine(output, "EdgeInference.Worker")), $"The worker is not built at {output}.");
        return output;
    }

    /// <summary>
    /// The worker folder zipped with its files at the zip's root, as the CLI's ArtifactZipper does: the nucleus unpacks
    /// <c>NAME.zip</c> into <c>{artifacts:decompressedPath}/NAME/</c>, which is where the recipe's Run line looks for the
    /// binary. Unix modes kept; stored, not deflated, to stay fast; the bundled sample model is left out.
    /// </summary>
    private static void ZipWorker(string source, string zipPath)
    {
        using var archive = ZipFile.Open(zipPath, ZipArchiveMode.Create);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.StartsWith("models/", StringComparison.Ordinal))
            {
                continue;
            }

            var entry = archive.CreateEntryFromFile(file, relative, CompressionLevel.NoCompression);
            if (!OperatingSystem.IsWindows())
            {
                entry.ExternalAttributes = (0x8000 | (int)File.GetUnixFileMode(file)) << 16;
            }
        }
    }
}
