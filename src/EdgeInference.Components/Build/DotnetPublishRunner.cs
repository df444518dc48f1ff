using System.Diagnostics;

namespace EdgeInference.Components.Build;

/// <summary>Runs <c>dotnet publish PROJECT -c Release -r RID --self-contained -o OUT [properties]</c>, echoing its output to stderr.</summary>
public static class DotnetPublishRunner
{
    /// <param name="properties">Extra MSBuild arguments (the GPU variant's <c>-p:EdgeInferenceGpu=true</c>).</param>
    /// <param name="artifactsPath">
    /// Where intermediate output goes instead of the projects' obj/ and bin/ (<c>--artifacts-path</c>): a variant that
    /// restores other packages must not overwrite the CPU build's restore and intermediates.
    /// </param>
    /// <summary>The <c>dotnet</c> arguments of <see cref="PublishAsync"/>.</summary>
    public static IReadOnlyList<string> Arguments(string projectPath, string rid, string outputDirectory, IReadOnlyList<string>? properties = null, string? artifactsPath = null)
    {
        string[] arguments = ["publish", projectPath, "-c", "Release", "-r", rid, "--self-contained", "-o", outputDirectory, "-nologo", .. properties ?? []];
        return artifactsPath is null ? arguments : [.. arguments, "--artifacts-path", artifactsPath];
    }

    public static async Task PublishAsync(string projectPath, string rid, string outputDirectory, TextWriter log, CancellationToken cancellationToken = default, IReadOnlyList<string>? properties = null, string? artifactsPath = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(projectPath, rid, outputDirectory, properties, artifactsPath))
        {
            start.ArgumentList.Add(argument);
        }

        log.WriteLine($"dotnet {string.Join(' ', start.ArgumentList)}");
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.WriteLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.WriteLine(e.Data); } };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ComponentBuildException($"Could not start 'dotnet' (is the .NET SDK on PATH?): {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new ComponentBuildException($"dotnet publish of {projectPath} for {rid} failed with exit code {process.ExitCode} (output above).");
        }
    }
}
