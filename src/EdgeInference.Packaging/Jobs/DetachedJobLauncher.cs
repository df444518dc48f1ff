using System.Diagnostics;

namespace EdgeInference.Packaging.Jobs;

/// <summary>Runs a created job after the command returns (<c>--no-wait</c>).</summary>
public interface IDetachedJobLauncher
{
    void Launch(string storeRoot, string projectName, string jobName);
}

/// <summary>Starts <c>edge-inference run-model-packaging-job</c> as its own process, which outlives this one.</summary>
public sealed class ProcessJobLauncher : IDetachedJobLauncher
{
    /// <summary>The hidden command of this executable that runs one CREATED job (the CLI defines it under this name).</summary>
    public const string RunJobCommand = "run-model-packaging-job";

    public void Launch(string storeRoot, string projectName, string jobName)
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which executable is running.");
        var start = new ProcessStartInfo(processPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(ProcessJobLauncher).Assembly.Location);
        }

        foreach (var argument in new[] { RunJobCommand, "--project-name", projectName, "--job-name", jobName, "--store", storeRoot })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {processPath}.");
    }
}
