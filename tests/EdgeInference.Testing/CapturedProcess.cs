using System.Diagnostics;
using System.Text;

namespace EdgeInference.Testing;

/// <summary>A started process whose standard output and error are captured line by line; killed with its children on dispose.</summary>
public sealed class CapturedProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();

    /// <summary>Starts <paramref name="info"/> with both streams redirected.</summary>
    public CapturedProcess(ProcessStartInfo info, string what)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        Process = Process.Start(info) ?? throw new InvalidOperationException($"{what} did not start.");
        Process.OutputDataReceived += (_, e) => Append(e.Data);
        Process.ErrorDataReceived += (_, e) => Append(e.Data);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }

    /// <summary>Everything printed so far, both streams interleaved as they arrived.</summary>
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

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync(CancellationToken.None);
        }

        Process.Dispose();
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
