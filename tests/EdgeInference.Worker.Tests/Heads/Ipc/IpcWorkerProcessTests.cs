using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator;
using EdgeInference.Testing;
using EdgeInference.Worker.Tests.Fixtures;
using Xunit;
using static EdgeInference.Worker.Tests.Fixtures.IpcHarness;

namespace EdgeInference.Worker.Tests.Heads.Ipc;

/// <summary>The worker process under a Greengrass environment whose nucleus is not there.</summary>
[Collection(SerialCollection.Name)]
public sealed class IpcWorkerProcessTests
{
    [Fact]
    public async Task Run_GreengrassEnvironmentWithoutANucleus_ExitsNonZeroSayingWhy()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"no-nucleus-{Guid.NewGuid():N}.socket");
        await using var worker = WorkerProcess.Start($"--GreengrassIpc:SocketPath={socket}", "--GreengrassIpc:AuthToken=ABCDEFGHJKLMNPQR", "--Transport=ipc");

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exitCode);
        Assert.Contains("Cannot read the component configuration from the Greengrass nucleus", worker.Output, StringComparison.Ordinal);
        Assert.Contains(socket, worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnderTheEmulator_ReadsTheComponentConfiguration_AndTheCommandLineWins()
    {
        await using var harness = await IpcHarness.StartAsync();
        var configuration = WorkerConfiguration("/nonexistent/package-from-greengrass");
        configuration["ThingName"] = "gg-thing";
        var registration = harness.Emulator.AddComponent(WorkerComponent, configuration);
        var camera = await harness.ConnectCameraAsync();
        await using var results = await camera.SubscribeToTopicAsync("edge-inference/gg-thing/result", cancellationToken: Token);

        await using var worker = WorkerProcess.Start(
            $"--GreengrassIpc:SocketPath={harness.Emulator.SocketPath}", $"--GreengrassIpc:AuthToken={registration.AuthToken}",
            "--Transport=ipc", $"--Model:Path={TestModels.ColorClassifier}");
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Token);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        await harness.Emulator.WaitForStateAsync(WorkerComponent, ComponentLifecycleState.Running, bound.Token);
        await camera.PublishToTopicAsync("edge-inference/gg-thing/infer", TestImages.Solid(16, 16, (250, 0, 0)), Token);
        var result = await NextJsonAsync(results);
        worker.Terminate();
        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("red", result.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        Assert.True(exitCode == 0, worker.Output);
    }
}
