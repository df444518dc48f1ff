using System.Diagnostics;
using System.Text.Json;
using EdgeInference.Client;

namespace EdgeInference.Bench;

/// <summary>
/// A worker process the benchmark starts itself (embedded broker on a free loopback port), so cold start —
/// process start to the retained RUNNING status — and its memory can be measured.
/// </summary>
public sealed class SpawnedWorker : IAsyncDisposable
{
    private readonly Process _process;

    private SpawnedWorker(Process process, int port, TimeSpan coldStart)
    {
        _process = process;
        Port = port;
        ColdStart = coldStart;
    }

    public int Port { get; }

    public TimeSpan ColdStart { get; }

    public int ProcessId => _process.Id;

    /// <summary>Starts the worker on its embedded broker at a free port; ready when its retained status says RUNNING.</summary>
    public static Task<SpawnedWorker> StartAsync(string workerPath, IEnumerable<string> extraArguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var port = LoopbackPort.Free();
        return StartAsync(
            workerPath,
            [$"--Mqtt:Port={port}", .. extraArguments],
            port,
            process => WaitForRunningAsync(new WorkerConnection { Port = port }, process, timeout, cancellationToken),
            cancellationToken);
    }

    /// <summary>Starts the worker on an external broker (<c>Mqtt:Host</c>); ready when its retained status there says RUNNING.</summary>
    public static Task<SpawnedWorker> StartOnBrokerAsync(string workerPath, int brokerPort, IEnumerable<string> extraArguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        StartAsync(
            workerPath,
            ["--Mqtt:Host=127.0.0.1", $"--Mqtt:Port={brokerPort}", .. extraArguments],
            brokerPort,
            process => WaitForRunningAsync(new WorkerConnection { Port = brokerPort }, process, timeout, cancellationToken),
            cancellationToken);

    /// <summary>Starts the worker under a Greengrass nucleus (Transport=ipc); <paramref name="waitUntilRunning"/> says when it is serving.</summary>
    public static Task<SpawnedWorker> StartUnderNucleusAsync(string workerPath, IEnumerable<string> extraArguments, Func<Process, Task> waitUntilRunning, CancellationToken cancellationToken) =>
        StartAsync(workerPath, ["--Transport=ipc", .. extraArguments], 0, waitUntilRunning, cancellationToken);

    private static async Task<SpawnedWorker> StartAsync(string workerPath, IEnumerable<string> arguments, int port, Func<Process, Task> waitUntilRunning, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(workerPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {workerPath}.");
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await waitUntilRunning(process).ConfigureAwait(false);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            string output;
            lock (log)
            {
                output = log.ToString();
            }

            throw new InvalidOperationException($"The worker did not reach RUNNING (exit code {(process.HasExited ? process.ExitCode : -1)}):{Environment.NewLine}{output}");
        }

        return new SpawnedWorker(process, port, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Peak and current resident memory of the worker, from /proc (Linux).</summary>
    public (long PeakBytes, long CurrentBytes) Memory()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status");
        long Read(string key) => status.Where(l => l.StartsWith(key, StringComparison.Ordinal))
            .Select(l => long.Parse(l[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024)
            .FirstOrDefault();
        return (Read("VmHWM:"), Read("VmRSS:"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM, the way Greengrass stops a component; the worker drains and exits 0.
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private static async Task WaitForRunningAsync(WorkerConnection connection, Process process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("The worker exited.");
            }

            WorkerClient client;
            try
            {
                client = await WorkerClient.ConnectAsync(connection, TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
            catch (WorkerClientException)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await using (client)
            {
                var remaining = TimeSpan.FromSeconds(Math.Max(0, (deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
                var running = await client.WaitForMessageAsync(connection.StatusTopic, IsRunning, remaining, cancellationToken).ConfigureAwait(false);
                if (running is not null)
                {
                    return;
                }
            }
        }

        throw new TimeoutException("The worker did not report RUNNING in time.");
    }

    private static bool IsRunning(byte[] status)
    {
        using var document = JsonDocument.Parse(status);
        return document.RootElement.TryGetProperty("Status", out var value) && value.GetString() == "RUNNING";
    }
}
