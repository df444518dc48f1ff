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

    public static async Task<MosquittoBroker> StartAsync(CancellationToken cancellationToken = default)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException("mosquitto is not installed; tests/run.sh installs it (apt-get install mosquitto mosquitto-clients).");
        }

        var folder = Directory.CreateTempSubdirectory("edge-inference-mosquitto-").FullName;
        var port = FreePort.Next();
        var config = Path.Combine(folder, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\n", cancellationToken);
        var executable = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "/usr/bin/mosquitto";
        var process = Process.Start(new ProcessStartInfo(executable, ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("mosquitto did not start.");
        var broker = new MosquittoBroker(process, folder, port);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync(cancellationToken)}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return broker;
            }
            catch (SocketException)
            {
                await Task.Delay(20, cancellationToken);
            }
        }

        await broker.DisposeAsync();
        throw new TimeoutException($"mosquitto did not listen on {port} within 10 s.");
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
