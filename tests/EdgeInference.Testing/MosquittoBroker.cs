using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeInference.Testing;

/// <summary>A real mosquitto on a free loopback port (set_tcp_nodelay, no persistence), stopped by PID on dispose.</summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private MosquittoBroker(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public static bool IsInstalled => File.Exists("/usr/sbin/mosquitto") || File.Exists("/usr/bin/mosquitto");

    /// <summary>
    /// Starts mosquitto on a free port and returns once mosquitto itself says it is running (a port probe could reach
    /// another process). When the port was taken between being picked and being bound, it starts again on another one.
    /// </summary>
    public static async Task<MosquittoBroker> StartAsync(CancellationToken cancellationToken = default)
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
            await File.WriteAllTextAsync(config, $"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\nlog_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n", cancellationToken);
            var executable = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "/usr/bin/mosquitto";
            var process = Process.Start(new ProcessStartInfo(executable, ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true })
                ?? throw new InvalidOperationException("mosquitto did not start.");
            var broker = new MosquittoBroker(process, folder, port);
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
                        return broker;
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await broker.DisposeAsync();
                throw new TimeoutException($"mosquitto did not say it was running within 10 s: {output}");
            }

            await broker.DisposeAsync();
            if (attempt < 5 && output.ToString().Contains("Address already in use", StringComparison.Ordinal))
            {
                continue;
            }

            throw new InvalidOperationException($"mosquitto exited: {output}");
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
