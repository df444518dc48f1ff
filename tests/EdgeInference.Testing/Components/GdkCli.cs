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
    public static Task<CliResult> RunAsync(IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment) =>
        ExternalTool.RunAsync("/bin/sh", [Launcher, .. arguments], TestContext.Current.CancellationToken, RunTimeout, workingDirectory, environment);
}
