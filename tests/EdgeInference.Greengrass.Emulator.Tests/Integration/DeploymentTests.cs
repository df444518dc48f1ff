using System.IO.Compression;
using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Deployments;
using EdgeInference.Greengrass.Emulator.Tests.Fakes;
using EdgeInference.Greengrass.Ipc;
using EdgeInference.Greengrass.Ipc.Model;
using Xunit;
using static EdgeInference.Greengrass.Emulator.Tests.Fakes.DeploymentFolder;

namespace EdgeInference.Greengrass.Emulator.Tests.Integration;

/// <summary>Lifecycle fidelity on real deployments: UpdateState, dependency order, restarts, stop order, artifacts.</summary>
[Collection(ProcessCollection.Name)]
public sealed class DeploymentTests : IDisposable
{
    private readonly DeploymentFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_StartupStillRunning_IsRunningOnceTheComponentReportsRunning_AndItsDependentThenStarts()
    {
        _folder.Recipe(RecipeOf("com.example.Server", "1.0.0", new JsonObject { ["Startup"] = "exec sleep 60" }));
        _folder.Recipe(RecipeOf("com.example.Client", "1.0.0", new JsonObject { ["Run"] = "echo client-started; exec sleep 60" },
            new JsonObject { ["com.example.Server"] = Dependency("1.0.0") }));
        await using var harness = await EmulatorHarness.StartAsync();
        var deployment = await CreateAsync(harness, "com.example.Client");
        await using (deployment)
        {
            var started = deployment.StartAsync(Token);
            await harness.Emulator.WaitForStateAsync("com.example.Server", ComponentLifecycleState.Starting, Token).WaitAsync(Bounded.Timeout, Token);
            await harness.Emulator.WaitForStateAsync("com.example.Client", ComponentLifecycleState.Installed, Token).WaitAsync(Bounded.Timeout, Token);

            await using var server = await ConnectAsAsync(harness, "com.example.Server");
            await server.UpdateStateAsync(ReportedLifecycleState.Running, Token);
            await started.WaitAsync(Bounded.Timeout, Token);

            // The client waited in INSTALLED for its HARD dependency: it started only after the server's RUNNING.
            var changes = harness.Emulator.StateChanges;
            var serverRunning = changes.First(c => c.ComponentName == "com.example.Server" && c.State == ComponentLifecycleState.Running);
            Assert.Equal(StateChangeSource.UpdateState, serverRunning.Source);
            Assert.True(
                IndexOf(changes, serverRunning) < IndexOf(changes, changes.First(c => c.ComponentName == "com.example.Client" && c.State == ComponentLifecycleState.Starting)));
            Assert.Equal(ComponentLifecycleState.Running, harness.Emulator.GetState("com.example.Client"));
        }
    }

    [Fact]
    public async Task HardDependencyErrors_TheDependentRestartsOnceItIsRunningAgain()
    {
        var log = Path.Combine(_folder.Folder, "client.log");
        _folder.Recipe(RecipeOf("com.example.Server", "1.0.0", new JsonObject { ["Startup"] = "exec sleep 60" }));
        _folder.Recipe(RecipeOf("com.example.Client", "1.0.0", new JsonObject { ["Run"] = $"echo run >> {log}; exec sleep 60" },
            new JsonObject { ["com.example.Server"] = Dependency("^1.0.0", "HARD") }));
        await using var harness = await EmulatorHarness.StartAsync();
        var deployment = await CreateAsync(harness, "com.example.Client");
        await using (deployment)
        {
            var started = deployment.StartAsync(Token);
            await harness.Emulator.WaitForStateAsync("com.example.Server", ComponentLifecycleState.Starting, Token).WaitAsync(Bounded.Timeout, Token);
            await using var server = await ConnectAsAsync(harness, "com.example.Server");
            await server.UpdateStateAsync(ReportedLifecycleState.Running, Token);
            await started.WaitAsync(Bounded.Timeout, Token);

            var restarted = WaitForStatesAsync(harness, "com.example.Client", ComponentLifecycleState.Stopping, ComponentLifecycleState.Installed);
            await server.UpdateStateAsync(ReportedLifecycleState.Errored, Token);
            await restarted.WaitAsync(Bounded.Timeout, Token);
            await harness.Emulator.WaitForStateAsync("com.example.Server", ComponentLifecycleState.Starting, Token).WaitAsync(Bounded.Timeout, Token);
            var runningAgain = WaitForStatesAsync(harness, "com.example.Client", ComponentLifecycleState.Starting, ComponentLifecycleState.Running);
            await using var serverAgain = await ConnectAsAsync(harness, "com.example.Server");
            await serverAgain.UpdateStateAsync(ReportedLifecycleState.Running, Token);
            await runningAgain.WaitAsync(Bounded.Timeout, Token);

            Assert.Equal(["run", "run"], await ReadLinesAsync(log, expected: 2));
        }
    }

    [Fact]
    public async Task StartAsync_SoftDependency_IsNotWaitedFor_AndCancellingStopsEverything()
    {
        _folder.Recipe(RecipeOf("com.example.Slow", "1.0.0", new JsonObject { ["Startup"] = "exec sleep 60" }));
        _folder.Recipe(RecipeOf("com.example.App", "1.0.0", new JsonObject { ["Run"] = "exec sleep 60" },
            new JsonObject { ["com.example.Slow"] = Dependency("*", "soft") }));
        await using var harness = await EmulatorHarness.StartAsync();
        var deployment = await CreateAsync(harness, "com.example.App");
        await using (deployment)
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
            var started = deployment.StartAsync(cancel.Token);
            await harness.Emulator.WaitForStateAsync("com.example.App", ComponentLifecycleState.Running, Token).WaitAsync(Bounded.Timeout, Token);
            // The two start side by side, so Slow may still be on its way to Starting; its startup then sleeps 60 s.
            await harness.Emulator.WaitForStateAsync("com.example.Slow", ComponentLifecycleState.Starting, Token).WaitAsync(Bounded.Timeout, Token);

            Assert.Equal(ComponentLifecycleState.Running, harness.Emulator.GetState("com.example.App"));
            Assert.Equal(ComponentLifecycleState.Starting, harness.Emulator.GetState("com.example.Slow"));
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => started.WaitAsync(Bounded.Timeout, Token));
            Assert.Equal(ComponentLifecycleState.Finished, harness.Emulator.GetState("com.example.App"));
            Assert.Equal(ComponentLifecycleState.Finished, harness.Emulator.GetState("com.example.Slow"));
        }
    }

    [Fact]
    public async Task StopAsync_StopsDependentsBeforeTheirDependencies_EachShutdownBeforeSigterm()
    {
        var log = Path.Combine(_folder.Folder, "stop.log");
        JsonObject Looping(string name) => new()
        {
            ["Run"] = $"trap 'echo {name}-term >> {log}; exit 0' TERM; while true; do sleep 0.05; done",
            ["Shutdown"] = $"echo {name}-shutdown >> {log}",
        };
        _folder.Recipe(RecipeOf("com.example.Base", "1.0.0", Looping("base")));
        _folder.Recipe(RecipeOf("com.example.Middle", "1.0.0", Looping("middle"), new JsonObject { ["com.example.Base"] = Dependency("*") }));
        _folder.Recipe(RecipeOf("com.example.Top", "1.0.0", Looping("top"), new JsonObject { ["com.example.Middle"] = Dependency("*") }));
        await using var harness = await EmulatorHarness.StartAsync();
        var deployment = await CreateAsync(harness, "com.example.Top");
        await deployment.StartAsync(Token);

        await deployment.StopAsync(Token).WaitAsync(TimeSpan.FromSeconds(30), Token);

        Assert.Equal(["top-shutdown", "top-term", "middle-shutdown", "middle-term", "base-shutdown", "base-term"], await File.ReadAllLinesAsync(log, Token));
        Assert.Equal(["com.example.Base", "com.example.Middle", "com.example.Top"], deployment.Components.Where(c => !c.IsBuiltin).Select(c => c.Name).ToArray());
    }

    [Fact]
    public async Task StartAsync_ZipArtifactWithExecutePermission_IsUnpackedWithModesItsRunCanExecute()
    {
        _folder.ZipArtifact("com.example.Tool", "1.0.0", "tool.zip", archive =>
        {
            using var writer = new StreamWriter(archive.CreateEntry("bin/hello.sh").Open());
            writer.Write("#!/bin/sh\necho \"hello from $1\"\n");
        });
        _folder.Artifact("com.example.Tool", "1.0.0", "notes.txt", "not listed in the recipe, copied anyway");
        _folder.Recipe(RecipeOf("com.example.Tool", "1.0.0",
            new JsonObject { ["Run"] = "{artifacts:decompressedPath}/tool/bin/hello.sh {iot:thingName}" },
            artifacts: [new JsonObject { ["URI"] = "s3://bucket/com.example.Tool/1.0.0/tool.zip", ["Unarchive"] = "ZIP", ["Permission"] = new JsonObject { ["Read"] = "ALL", ["Execute"] = "OWNER" } }]));
        await using var harness = await EmulatorHarness.StartAsync();
        var deployment = await CreateAsync(harness, "com.example.Tool");
        await using (deployment)
        {
            var lines = new List<string>();
            deployment.OutputReceived += (_, line) => { lock (lines) { lines.Add(line.Text); } };
            await deployment.StartAsync(Token);
            await deployment.WhenAllFinishedAsync(Token).WaitAsync(Bounded.Timeout, Token);

            var tool = deployment.Components.Single(c => c.Name == "com.example.Tool");
            Assert.Contains("hello from test-core", lines);
            Assert.Equal(0, deployment.LastExitCode("com.example.Tool"));
            Assert.Equal(Path.Combine(_folder.RootPath, "packages", "artifacts", "com.example.Tool", "1.0.0"), tool.ArtifactsPath);
            Assert.True(File.Exists(Path.Combine(tool.ArtifactsPath, "notes.txt")));
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(Path.Combine(tool.DecompressedPath, "tool", "bin", "hello.sh"));
                Assert.True(mode.HasFlag(UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherRead));
                Assert.False(mode.HasFlag(UnixFileMode.OtherExecute));
            }
        }
    }

    [Fact]
    public async Task CreateAsync_ArchiveWithATraversalEntry_IsRefusedNamingComponentArchiveAndEntry()
    {
        var zip = _folder.ZipArtifact("com.example.Evil", "1.0.0", "evil.zip", archive => archive.CreateEntry("../../outside.txt"));
        _folder.Recipe(RecipeOf("com.example.Evil", "1.0.0", new JsonObject { ["Run"] = "echo never" },
            artifacts: [new JsonObject { ["URI"] = "s3://bucket/com.example.Evil/1.0.0/evil.zip", ["Unarchive"] = "ZIP" }]));
        await using var harness = await EmulatorHarness.StartAsync();

        var error = await Assert.ThrowsAsync<DeploymentRefusedException>(() => CreateAsync(harness, "com.example.Evil"));

        Assert.Equal(("com.example.Evil", "archive"), (error.ComponentName, error.Rule));
        Assert.Contains("entry '../../outside.txt' is outside of the target dir", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(zip), error.Message, StringComparison.Ordinal);
        Assert.Null(harness.Emulator.GetState("com.example.Evil"));
    }

    /// <summary>The file's lines once it has <paramref name="expected"/> of them (a process writes after its state changed), within the bound.</summary>
    private static async Task<string[]> ReadLinesAsync(string path, int expected)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var lines = File.Exists(path) ? await File.ReadAllLinesAsync(path, Token) : [];
            if (lines.Length >= expected || TimeProvider.System.GetElapsedTime(started) > Bounded.Timeout)
            {
                return lines;
            }

            await Task.Delay(20, Token);
        }
    }

    private static int IndexOf(IReadOnlyList<ComponentStateChange> changes, ComponentStateChange change) => changes.ToList().IndexOf(change);

    /// <summary>Completes when <paramref name="component"/> has gone through <paramref name="states"/> in order, from now on.</summary>
    private static Task WaitForStatesAsync(EmulatorHarness harness, string component, params ComponentLifecycleState[] states)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var next = 0;
        void OnChanged(object? sender, ComponentStateChange change)
        {
            if (change.ComponentName == component && next < states.Length && change.State == states[next] && ++next == states.Length)
            {
                harness.Emulator.StateChanged -= OnChanged;
                done.TrySetResult();
            }
        }

        harness.Emulator.StateChanged += OnChanged;
        return done.Task;
    }

    private static async Task<GreengrassIpcClient> ConnectAsAsync(EmulatorHarness harness, string component)
    {
        var client = new GreengrassIpcClient(harness.ClientOptions(harness.Emulator.GetComponent(component).AuthToken));
        await client.ConnectAsync(Token);
        return client;
    }

    private Task<Deployment> CreateAsync(EmulatorHarness harness, string root) => Deployment.CreateAsync(
        harness.Emulator,
        new LocalDeploymentRequest
        {
            RecipeDirectory = _folder.RecipeDirectory,
            ArtifactDirectory = _folder.ArtifactDirectory,
            RootComponents = new Dictionary<string, string> { [root] = "1.0.0" },
        },
        new DeploymentOptions { RootPath = _folder.RootPath },
        cancellationToken: Token);
}
