using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeInference.Bench;

/// <summary>
/// A mosquitto the bench starts on a free loopback port (set_tcp_nodelay, no persistence): the MQTT path with a broker
/// process between client and worker, two socket hops each way as over Greengrass IPC.
/// </summary>
public sealed class ExternalBroker : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private ExternalBroker(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>mosquitto from PATH (or /usr/sbin, where Debian puts it); null when there is none.</summary>
    public static string? FindMosquitto() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/sbin")
            .Select(folder => Path.Combine(folder, "mosquitto"))
            .FirstOrDefault(File.Exists);

    /// <summary>Starts mosquitto and returns once it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">mosquitto is not installed, or did not listen within <paramref name="timeout"/>.</exception>
    public static async Task<ExternalBroker> StartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var executable = FindMosquitto()
            ?? throw new InvalidOperationException("mosquitto is not installed (Debian: apt-get install mosquitto); --transport all measures MQTT through it.");
        var folder = Directory.CreateTempSubdirectory("ei-bench-mosquitto-").FullName;
        var port = LoopbackPort.Free();
        var config = Path.Combine(folder, "mosquitto.conf");
        // Errors and warnings only, read as they come: a pipe nobody reads would block mosquitto once full.
        await File.WriteAllTextAsync(config, $"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\nlog_dest stderr\nlog_type error\nlog_type warning\n", cancellationToken).ConfigureAwait(false);
        var process = Process.Start(new ProcessStartInfo(executable, ["-c", config]) { RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException($"Could not start {executable}.");
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                if (errors.Length < 4096)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        var broker = new ExternalBroker(process, folder, port);
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !process.HasExited)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return broker;
            }
            catch (SocketException)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }

        await broker.DisposeAsync().ConfigureAwait(false);
        string output;
        lock (errors)
        {
            output = errors.Length > 0 ? errors.ToString().Trim() : "(no output)";
        }

        throw new InvalidOperationException($"mosquitto did not listen on 127.0.0.1:{port}: {output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
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
