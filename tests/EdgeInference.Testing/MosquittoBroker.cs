using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeInference.Testing;

/// <summary>
/// A real mosquitto on a free loopback port (set_tcp_nodelay; persistence only when asked), stopped by PID on dispose.
/// It can be stopped and started again on the same port, as a broker restart.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _config;
    private Process _process;

    private MosquittoBroker(Process process, string folder, string config, int port)
    {
        _process = process;
        _folder = folder;
        _config = config;
        Port = port;
    }

    public int Port { get; }

    public static bool IsInstalled => File.Exists("/usr/sbin/mosquitto") || File.Exists("/usr/bin/mosquitto");

    private static string Executable => File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "/usr/bin/mosquitto";

    /// <summary>
    /// Starts mosquitto on a free port and returns once mosquitto itself says it is running (a port probe could reach
    /// another process). When the port was taken between being picked and being bound, it starts again on another one.
    /// </summary>
    /// <param name="persistent">Keep sessions and queued QoS 1 messages across a restart (saved on a clean stop).</param>
    public static async Task<MosquittoBroker> StartAsync(CancellationToken cancellationToken = default, bool persistent = false)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException("mosquitto is not installed; tests/run.sh installs it (apt-get install mosquitto mosquitto-clients).");
        }

        for (var attempt = 1; ; attempt++)
        {
            var folder = Directory.CreateTempSubdirectory("edge-inference-mosquitto-").FullName;
            var port = FreePort.Next();
            var config = Path.Combine(folder, "mosquitto.conf");
            // Started as root, mosquitto drops to the 'mosquitto' user, which cannot write our temp folder: stay who we are.
            var persistence = persistent ? $"persistence true\npersistence_location {folder}/\nautosave_interval 1\nuser {Environment.UserName}\n" : "persistence false\n";
            await File.WriteAllTextAsync(config, $"listener {port} 127.0.0.1\nallow_anonymous true\n{persistence}set_tcp_nodelay true\nlog_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n", cancellationToken);
            var (process, output) = await LaunchAsync(config, cancellationToken);
            if (process is not null)
            {
                return new MosquittoBroker(process, folder, config, port);
            }

            Directory.Delete(folder, recursive: true);
            if (attempt < 5 && output.Contains("Address already in use", StringComparison.Ordinal))
            {
                continue;
            }

            throw new InvalidOperationException($"mosquitto did not start: {output}");
        }
    }

    /// <summary>Stops the broker cleanly (SIGTERM: a persistent broker saves its sessions), as an operator restarting it does.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(bound.Token);
        }
    }

    /// <summary>Starts the stopped broker again on the same port with the same configuration.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (process, output) = await LaunchAsync(_config, cancellationToken);
            if (process is not null)
            {
                _process.Dispose();
                _process = process;
                return;
            }

            // The old socket may linger a moment after the stop.
            if (attempt < 20 && output.Contains("Address already in use", StringComparison.Ordinal))
            {
                await Task.Delay(100, cancellationToken);
                continue;
            }

            throw new InvalidOperationException($"mosquitto did not start again: {output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>The running process, or null with what mosquitto said when it did not come up.</summary>
    private static async Task<(Process? Process, string Output)> LaunchAsync(string config, CancellationToken cancellationToken)
    {
        var process = Process.Start(new ProcessStartInfo(Executable, ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("mosquitto did not start.");
        var output = new System.Text.StringBuilder();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            // mosquitto buffers stdout in a pipe but not stderr: its log goes there, line by line.
            while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
            {
                output.AppendLine(line);
                if (line.Contains(" running", StringComparison.Ordinal))
                {
                    // mosquitto logs every later line too: keep draining so it never blocks on a full pipe.
                    _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return (process, output.ToString());
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            output.AppendLine("(no 'running' line within 10 s)");
        }

        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync(CancellationToken.None);
        process.Dispose();
        return (null, output.ToString());
    }
}

/// <summary>Free TCP ports on loopback.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
