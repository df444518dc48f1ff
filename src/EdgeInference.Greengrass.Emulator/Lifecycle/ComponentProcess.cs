using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EdgeInference.Greengrass.Emulator.Lifecycle;

/// <summary>
/// One lifecycle script run with <c>sh -c</c> in its own process group (via <c>setsid</c> when present), so a stop
/// reaches everything the script started: SIGTERM to the group, then SIGKILL after the grace period.
/// </summary>
internal sealed partial class ComponentProcess : IDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private static readonly string? SetsidPath = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);
    private readonly Process _process;
    private readonly bool _ownGroup;

    private ComponentProcess(Process process, bool ownGroup)
    {
        _process = process;
        _ownGroup = ownGroup;
        Exited = WaitForExitAsync();
    }

    /// <summary>The process id (also the process group id when it has its own group).</summary>
    public int Id => _process.Id;

    /// <summary>Completes with the exit code once the script and its output streams have ended.</summary>
    public Task<int> Exited { get; }

    /// <summary>Starts <paramref name="script"/>; each output line goes to <paramref name="onLine"/> (text, isStandardError).</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The shell could not be started.</exception>
    public static ComponentProcess Start(
        string script, string workingDirectory, IReadOnlyDictionary<string, string> environment, Action<string, bool> onLine)
    {
        var ownGroup = SetsidPath is not null;
        var startInfo = new ProcessStartInfo(ownGroup ? SetsidPath! : "/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        if (ownGroup)
        {
            startInfo.ArgumentList.Add("/bin/sh");
        }

        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(script);
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(e.Data, false);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(e.Data, true);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ComponentProcess(process, ownGroup);
    }

    /// <summary>SIGTERM, then SIGKILL when the process has not exited after <paramref name="gracePeriod"/>.</summary>
    /// <returns>The exit code, and whether it had to be killed.</returns>
    public async Task<(int ExitCode, bool Killed)> StopAsync(TimeSpan gracePeriod, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        if (!Exited.IsCompleted)
        {
            Signal(SigTerm);
            try
            {
                return (await Exited.WaitAsync(gracePeriod, timeProvider, cancellationToken).ConfigureAwait(false), false);
            }
            catch (TimeoutException)
            {
                Signal(SigKill);
                _process.Kill(entireProcessTree: true);
                return (await Exited.WaitAsync(cancellationToken).ConfigureAwait(false), true);
            }
        }

        return (await Exited.ConfigureAwait(false), false);
    }

    public void Dispose()
    {
        if (!Exited.IsCompleted)
        {
            Signal(SigKill);
        }

        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private void Signal(int signal)
    {
        // A negative pid signals the whole process group; fall back to the process itself.
        if (!_ownGroup || Kill(-_process.Id, signal) != 0)
        {
            Kill(_process.Id, signal);
        }
    }

    private async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return _process.ExitCode;
    }
}
