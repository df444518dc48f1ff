using System.Diagnostics;
using System.Text;
using Xunit;

namespace EdgeInference.Testing.Components;

/// <summary>
/// The real Greengrass Development Kit CLI (1.6.2) from <c>../shared/tools/gdk</c> beside the checkout, run with Debian's
/// python3 and Debian's boto3 (tests/run.sh installs them). Tests that need it skip where it is absent.
/// </summary>
public static class GdkCli
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(10);

    public static string Launcher => Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "tools", "gdk"));

    /// <summary>Skips the calling test when GDK or the Python packages it needs are missing.</summary>
    public static async Task RequireAsync()
    {
        if (!File.Exists(Launcher))
        {
            Assert.Skip($"GDK is not beside this checkout ({Launcher}).");
        }

        var probe = await RunAsync(["--version"], Path.GetTempPath(), new Dictionary<string, string?>());
        if (probe.ExitCode != 0)
        {
            Assert.Skip($"GDK does not start (tests/run.sh installs its Debian packages): {probe.Stderr.Trim()}");
        }
    }

    /// <summary>Runs <c>gdk ARGS</c> in <paramref name="workingDirectory"/>; <paramref name="environment"/> adds (or, with null, removes) variables.</summary>
    public static async Task<CliResult> RunAsync(IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Launcher);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start GDK.");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (stdout) { stdout.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(RunTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        process.WaitForExit();
        lock (stdout)
        {
            lock (stderr)
            {
                return new CliResult(process.ExitCode, stdout.ToString(), stderr.ToString());
            }
        }
    }
}
