using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace EdgeInference.Testing.Aws;

/// <summary>
/// A real server process (s3rver, moto) listening on a loopback port the OS assigned (started with port 0; the port is
/// read back from the line the server prints when it listens, so no other process can take it in between), stopped by its
/// PID on dispose.
/// </summary>
public sealed class ExternalServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<int> _port;
    private readonly StringBuilder _output = new();

    private ExternalServer(Process process, Task<int> port)
    {
        _process = process;
        _port = port;
    }

    public int Port => _port.IsCompletedSuccessfully ? _port.Result : throw new InvalidOperationException("The server has not said where it listens.");

    public string Url => $"http://127.0.0.1:{Port}";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A loopback port nothing listens on now (for tests of an unreachable endpoint only: nothing is started on it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts the process (told to listen on port 0) and waits, bounded, for the line matching
    /// <paramref name="listening"/>, whose first group is the port it bound; returns once that port accepts connections.
    /// </summary>
    public static async Task<ExternalServer> StartAsync(string fileName, IEnumerable<string> arguments, Regex listening, TimeSpan readyTimeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = new ExternalServer(process, port.Task);
        void OnLine(string? line)
        {
            server.Append(line);
            if (line is not null && listening.Match(line) is { Success: true } match)
            {
                port.TrySetResult(int.Parse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(readyTimeout);
        try
        {
            var exited = process.WaitForExitAsync(timeout.Token);
            if (await Task.WhenAny(port.Task, exited) != port.Task)
            {
                await exited;
                throw new ExternalServerException($"{fileName} exited with {process.ExitCode} before listening:\n{server.Output}");
            }

            var bound = await port.Task;
            while (true)
            {
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, bound, timeout.Token);
                    return server;
                }
                catch (SocketException)
                {
                    await Task.Delay(50, timeout.Token);
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            await server.DisposeAsync();
            throw new ExternalServerException($"{fileName} did not listen within {readyTimeout.TotalSeconds:0} s:\n{server.Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

public sealed class ExternalServerException(string message) : Exception(message);
