using System.Diagnostics;
using EdgeInference.Components.Gdk;
using EdgeInference.Components.Publish;
using EdgeInference.Greengrass.Recipes;

namespace EdgeInference.Components.Deployment;

/// <summary>The <c>greengrass-cli deployment create</c> call that deploys a built component on this device.</summary>
public sealed record LocalDeployment(string GreengrassCli, string RecipeDirectory, string ArtifactDirectory, string ComponentName, string ComponentVersion, bool UseSudo)
{
    public const string DefaultGreengrassCli = "/greengrass/v2/bin/greengrass-cli";

    public static LocalDeployment FromBuild(string buildDirectory, string? componentName, string greengrassCli = DefaultGreengrassCli, bool? useSudo = null)
    {
        var buildRoot = Path.GetFullPath(buildDirectory);
        var recipes = Path.Combine(buildRoot, "recipes");
        var artifacts = Path.Combine(buildRoot, "artifacts");
        if (!Directory.Exists(recipes) || !Directory.Exists(artifacts))
        {
            throw new ComponentBuildException($"{buildRoot} has no recipes/ and artifacts/: run 'edge-inference component build' first.");
        }

        var name = componentName ?? Directory.EnumerateDirectories(artifacts).Select(Path.GetFileName).OfType<string>().SingleOrDefault()
            ?? throw new ComponentBuildException($"Cannot tell which component to deploy from {artifacts}: pass --component NAME.");
        var built = BuiltComponent.Load(buildRoot, name);
        var version = built.Recipe.GetStringIgnoreCase("ComponentVersion") ?? string.Empty;
        if (!GdkConfig.SemVerPattern().IsMatch(version))
        {
            throw new ComponentBuildException(
                $"Local deployments need a concrete version, and the build has \"{version}\": set \"version\" in gdk-config.json (e.g. \"1.0.0\") and build again.");
        }

        return new LocalDeployment(greengrassCli, recipes, artifacts, name, version, useSudo ?? !IsRoot());
    }

    /// <summary>Program and arguments, ready for <see cref="ProcessStartInfo.ArgumentList"/>.</summary>
    public IReadOnlyList<string> Arguments()
    {
        var arguments = new List<string>();
        if (UseSudo)
        {
            arguments.Add("sudo");
        }

        arguments.AddRange([GreengrassCli, "deployment", "create", "--recipeDir", RecipeDirectory, "--artifactDir", ArtifactDirectory, "--merge", $"{ComponentName}={ComponentVersion}"]);
        return arguments;
    }

    /// <summary>The command as a shell line (arguments quoted where needed).</summary>
    public string CommandLine() => string.Join(' ', Arguments().Select(Quote));

    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        var arguments = Arguments();
        var start = new ProcessStartInfo(arguments[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.WriteLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.WriteLine(e.Data); } };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ComponentBuildException($"Could not run {arguments[0]} (is Greengrass installed with the greengrass-cli component?): {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode;
    }

    private static bool IsRoot() => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.' or '=' or ':' or '+' or ',')
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
