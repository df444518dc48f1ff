using System.Diagnostics;

namespace EdgeInference.Testing;

/// <summary>The built worker run as a separate process with command-line configuration, as users run it.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly CapturedProcess _run;

    private WorkerProcess(CapturedProcess run)
    {
        _run = run;
    }

    public int Id => _run.Process.Id;

    public string Output => _run.Output;

    /// <summary>The worker's own build output (same configuration as this test assembly; test projects reference the worker for build order).</summary>
    public static string WorkerDirectory
    {
        get
        {
            var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var rid = testDir.Name;
            var framework = testDir.Parent!.Name;
            var configuration = testDir.Parent.Parent!.Name;
            return Path.Combine(RepoPaths.Root, "src", "EdgeInference.Worker", "bin", configuration, framework, rid);
        }
    }

    /// <summary>
    /// Starts a worker on a fresh embedded broker port and waits until its status says RUNNING. A port another process
    /// took between being picked and being bound makes the worker exit saying so: then it starts again on another port.
    /// </summary>
    public static async Task<(WorkerProcess Worker, int Port)> StartRunningAsync(string modelPath, CancellationToken cancellationToken, params string[] arguments)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var worker = Start([$"--Mqtt:Port={port}", $"--Model:Path={modelPath}", "--Model:Accelerator=cpu", .. arguments]);
            for (var poll = 0; poll < 1200 && !worker.HasExited; poll++)
            {
                try
                {
                    await using var client = await TestMqttClient.ConnectAsync(port, cancellationToken: cancellationToken);
                    await client.SubscribeAsync("edge-inference/+/status", cancellationToken);
                    await client.WaitAsync(m => TestMqttClient.Text(m).Contains("\"RUNNING\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellationToken);
                    return (worker, port);
                }
                catch (MQTTnet.Exceptions.MqttCommunicationException)
                {
                    await Task.Delay(50, cancellationToken);
                }
            }

            var output = worker.Output;
            await worker.DisposeAsync();
            if (attempt < 5 && output.Contains("already in use", StringComparison.Ordinal))
            {
                continue;
            }

            throw new TimeoutException($"The worker did not reach RUNNING: {output}");
        }
    }

    public static WorkerProcess Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = WorkerDirectory,
        };
        info.ArgumentList.Add(Path.Combine(WorkerDirectory, "EdgeInference.Worker.dll"));

        // Tests stay out of the user's cache folder; arguments given by the test come later and win.
        info.ArgumentList.Add("--Model:OptimizedModelCache=off");
        // No periodic metrics messages unless a test asks for them.
        info.ArgumentList.Add("--Metrics:IntervalSeconds=0");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("AWS_IOT_THING_NAME");
        info.Environment.Remove("SVCUID");
        return new WorkerProcess(new CapturedProcess(info, "The worker"));
    }

    public bool HasExited => _run.Process.HasExited;

    /// <summary>Sends SIGTERM, as Greengrass and systemd stop a process.</summary>
    public void Terminate() => Process.Start("kill", ["-TERM", _run.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _run.Process.WaitForExitAsync(cancellation.Token);
        return _run.Process.ExitCode;
    }

    public ValueTask DisposeAsync() => _run.DisposeAsync();
}
