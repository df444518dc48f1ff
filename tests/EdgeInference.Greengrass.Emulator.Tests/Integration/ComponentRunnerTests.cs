using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Recipes;
using EdgeInference.Greengrass.Emulator.Tests.Fakes;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Integration;

/// <summary>The recipe runner on real recipes: manifest choice, variable rendering, environment, lifecycle steps and stop.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ComponentRunnerTests : IDisposable
{
    private static readonly string Architecture = PlatformMatcher.GreengrassArchitecture(RuntimeInformation.OSArchitecture);
    private readonly string _folder = Directory.CreateTempSubdirectory("gge-runner-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task StartAsync_EchoRecipe_RendersEveryVariableAndSetsTheEnvironment()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var artifacts = Directory.CreateDirectory(Path.Combine(_folder, "artifacts")).FullName;
        var modelsDependency = Directory.CreateDirectory(Path.Combine(_folder, "models-artifacts")).FullName;
        await File.WriteAllTextAsync(Path.Combine(artifacts, "run.sh"), "echo run-script", TestContext.Current.CancellationToken);
        using (var zip = ZipFile.Open(Path.Combine(artifacts, "bundle.zip"), ZipArchiveMode.Create))
        {
            await using var entry = new StreamWriter(zip.CreateEntry("hello.txt").Open());
            await entry.WriteAsync("zipped hello");
        }

        var recipe = RecipeLoader.Parse($$"""
            RecipeFormatVersion: '2020-01-25'
            ComponentName: com.example.Echo
            ComponentVersion: '1.2.3'
            ComponentDependencies:
              com.example.Models:
                VersionRequirement: '>=1.0.0'
            ComponentConfiguration:
              DefaultConfiguration:
                Greeting: hello
                Threads: 2
                Enabled: true
                Model:
                  Name: resnet
            Manifests:
              - Platform:
                  os: windows
                Lifecycle:
                  Run: "echo wrong-manifest > out.txt"
              - Platform:
                  os: linux
                  architecture: {{Architecture}}
                Artifacts:
                  - URI: s3://bucket/com.example.Echo/1.2.3/bundle.zip
                    Unarchive: ZIP
                  - URI: s3://bucket/com.example.Echo/1.2.3/run.sh
                Lifecycle:
                  Setenv:
                    FROM_SETENV: "{configuration:/Greeting}"
                  Install: "echo installed > {work:path}/installed.txt"
                  Run:
                    Script: |
                      {
                        echo "artifacts={artifacts:path}"
                        echo "decompressed={artifacts:decompressedPath}"
                        echo "bundle=$(cat {artifacts:decompressedPath}/bundle/hello.txt)"
                        echo "script=$(sh {artifacts:path}/run.sh)"
                        echo "greeting={configuration:/Greeting}"
                        echo "threads={configuration:/Threads}"
                        echo "enabled={configuration:/Enabled}"
                        echo 'model={configuration:/Model}'
                        echo "missing={configuration:/Nope}"
                        echo "thing={iot:thingName}"
                        echo "work={work:path}"
                        echo "kernel={kernel:rootPath}"
                        echo "dependency={com.example.Models:artifacts:path}"
                        echo "pwd=$(pwd)"
                        echo "SVCUID=$SVCUID"
                        echo "SOCKET=$AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT"
                        echo "AWS_IOT_THING_NAME=$AWS_IOT_THING_NAME"
                        echo "AWS_REGION=$AWS_REGION"
                        echo "AWS_DEFAULT_REGION=$AWS_DEFAULT_REGION"
                        echo "GG_ROOT_CA_PATH=[$GG_ROOT_CA_PATH]"
                        echo "FROM_SETENV=$FROM_SETENV"
                      } > {work:path}/out.txt
                      echo done
            """);
        await using var runner = new ComponentRunner(harness.Emulator, new ComponentRunOptions
        {
            Recipe = recipe,
            ArtifactsPath = artifacts,
            RootPath = Path.Combine(_folder, "root"),
            DependencyArtifacts = new Dictionary<string, string> { ["com.example.Models"] = modelsDependency },
            MergeConfiguration = new JsonObject { ["Threads"] = 4, ["Model"] = new JsonObject { ["Version"] = "2" } },
        });

        await runner.StartAsync(TestContext.Current.CancellationToken);
        var exitCode = await runner.RunCompletion.WaitAsync(Bounded.Timeout, TestContext.Current.CancellationToken);
        await harness.Emulator.WaitForStateAsync("com.example.Echo", ComponentLifecycleState.Finished, TestContext.Current.CancellationToken).WaitAsync(Bounded.Timeout);
        var lines = (await File.ReadAllLinesAsync(Path.Combine(runner.WorkPath, "out.txt"), TestContext.Current.CancellationToken))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

        Assert.Equal(0, exitCode);
        Assert.Equal(Path.Combine(_folder, "root", "packages", "artifacts", "com.example.Echo", "1.2.3"), lines["artifacts"]);
        Assert.Equal(Path.Combine(_folder, "root", "packages", "artifacts-unarchived", "com.example.Echo", "1.2.3"), lines["decompressed"]);
        Assert.Equal("zipped hello", lines["bundle"]);
        Assert.Equal("run-script", lines["script"]);
        Assert.Equal("hello", lines["greeting"]);
        Assert.Equal("4", lines["threads"]);
        Assert.Equal("true", lines["enabled"]);
        Assert.Equal("""{"Name":"resnet","Version":"2"}""", lines["model"]);
        Assert.Equal("{configuration:/Nope}", lines["missing"]);
        Assert.Equal("test-core", lines["thing"]);
        Assert.Equal(Path.Combine(_folder, "root", "work", "com.example.Echo"), lines["work"]);
        Assert.Equal(lines["work"], lines["pwd"]);
        Assert.Equal(Path.Combine(_folder, "root"), lines["kernel"]);
        Assert.Equal(modelsDependency, lines["dependency"]);
        Assert.Equal(runner.Registration!.AuthToken, lines["SVCUID"]);
        Assert.Equal(harness.Emulator.SocketPath, lines["SOCKET"]);
        Assert.Equal("test-core", lines["AWS_IOT_THING_NAME"]);
        Assert.Equal("us-east-1", lines["AWS_REGION"]);
        Assert.Equal("us-east-1", lines["AWS_DEFAULT_REGION"]);
        Assert.Equal("[]", lines["GG_ROOT_CA_PATH"]);
        Assert.Equal("hello", lines["FROM_SETENV"]);
        Assert.True(File.Exists(Path.Combine(runner.WorkPath, "installed.txt")));
        Assert.Contains(runner.Output, l => l.Step == "Run" && l.Text == "done" && !l.IsStandardError);
        Assert.Equal(
            [ComponentLifecycleState.New, ComponentLifecycleState.Installed, ComponentLifecycleState.Starting, ComponentLifecycleState.Running, ComponentLifecycleState.Stopping, ComponentLifecycleState.Finished],
            harness.Emulator.StateChanges.Where(c => c.ComponentName == "com.example.Echo").Select(c => c.State).ToArray());
    }

    [Fact]
    public async Task StopAsync_RunningScript_ShutdownRunsThenTheScriptGetsSigterm()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var recipe = RecipeLoader.Parse("""
            ComponentName: com.example.Loop
            ComponentVersion: 1.0.0
            Manifests:
              - Lifecycle:
                  Run: "trap 'echo term >> {work:path}/order.txt; exit 0' TERM; echo started; while true; do sleep 0.05; done"
                  Shutdown: "echo shutdown >> {work:path}/order.txt"
            """);
        await using var runner = new ComponentRunner(harness.Emulator, new ComponentRunOptions
        {
            Recipe = recipe, ArtifactsPath = _folder, RootPath = Path.Combine(_folder, "root"), StopTimeout = TimeSpan.FromSeconds(5),
        });
        await runner.StartAsync(TestContext.Current.CancellationToken);
        await WaitForOutputAsync(runner, "started");

        await runner.StopAsync(TestContext.Current.CancellationToken);

        // GenericExternalService.shutdown: the Shutdown script first, then the processes still running.
        Assert.Equal(["shutdown", "term"], await File.ReadAllLinesAsync(Path.Combine(runner.WorkPath, "order.txt"), TestContext.Current.CancellationToken));
        Assert.Equal(0, await runner.RunCompletion);
        Assert.Equal(
            [ComponentLifecycleState.Running, ComponentLifecycleState.Stopping, ComponentLifecycleState.Finished],
            harness.Emulator.StateChanges.Select(c => c.State).TakeLast(3).ToArray());
    }

    [Fact]
    public async Task StopAsync_ScriptIgnoringSigterm_IsKilledAfterTheStopTimeout()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var recipe = RecipeLoader.Parse("""
            ComponentName: com.example.Stubborn
            Manifests:
              - Lifecycle:
                  Run: "trap '' TERM; echo started; while true; do sleep 0.05; done"
            """);
        await using var runner = new ComponentRunner(harness.Emulator, new ComponentRunOptions
        {
            Recipe = recipe, ArtifactsPath = _folder, RootPath = Path.Combine(_folder, "root"), StopTimeout = TimeSpan.FromMilliseconds(300),
        });
        await runner.StartAsync(TestContext.Current.CancellationToken);
        await WaitForOutputAsync(runner, "started");
        var started = TimeProvider.System.GetTimestamp();

        await runner.StopAsync(TestContext.Current.CancellationToken).WaitAsync(Bounded.Timeout, TestContext.Current.CancellationToken);

        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(300));
        Assert.Equal(137, await runner.RunCompletion);
        Assert.Equal(ComponentLifecycleState.Finished, harness.Emulator.GetState("com.example.Stubborn"));
    }

    [Fact]
    public async Task StartAsync_InstallFailsThreeTimes_ThrowsAndTheComponentIsBroken()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var recipe = RecipeLoader.Parse("""
            ComponentName: com.example.Broken
            Manifests:
              - Lifecycle:
                  Install: "echo cannot install >&2; exit 3"
                  Run: "echo never"
            """);
        await using var runner = new ComponentRunner(harness.Emulator, new ComponentRunOptions { Recipe = recipe, ArtifactsPath = _folder, RootPath = Path.Combine(_folder, "root") });

        var error = await Assert.ThrowsAsync<ComponentLifecycleException>(() => runner.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal("Install", error.Step);
        Assert.Contains("Install exited with 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(ComponentLifecycleState.Broken, harness.Emulator.GetState("com.example.Broken"));
        Assert.Equal(
            [ComponentLifecycleState.New, ComponentLifecycleState.Errored, ComponentLifecycleState.New, ComponentLifecycleState.Errored, ComponentLifecycleState.New, ComponentLifecycleState.Broken],
            harness.Emulator.StateChanges.Where(c => c.ComponentName == "com.example.Broken").Select(c => c.State).ToArray());
        Assert.Equal(3, runner.Output.Count(l => l.IsStandardError && l.Text == "cannot install"));
        Assert.DoesNotContain(runner.Output, l => l.Text == "never");
    }

    [Fact]
    public async Task StartAsync_NoManifestForThisPlatform_ThrowsRecipeException()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var recipe = RecipeLoader.Parse("""
            ComponentName: com.example.WindowsOnly
            Manifests:
              - Platform: { os: windows }
                Lifecycle: { Run: "echo hi" }
            """);
        await using var runner = new ComponentRunner(harness.Emulator, new ComponentRunOptions { Recipe = recipe, ArtifactsPath = _folder, RootPath = Path.Combine(_folder, "root") });

        var error = await Assert.ThrowsAsync<RecipeException>(() => runner.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("os=linux", error.Message, StringComparison.Ordinal);
    }

    private static async Task WaitForOutputAsync(ComponentRunner runner, string text)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (!runner.Output.Any(l => l.Text == text))
        {
            Assert.True(TimeProvider.System.GetElapsedTime(deadline) < Bounded.Timeout, $"'{text}' was not printed within {Bounded.Timeout}.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
