using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.Cli.Tests;

/// <summary>`edge-inference` installs the .NET way (README: CLI setup): the built CLI packs as a tool, installs into a tool path and runs.</summary>
[Collection(ProcessTests.Collection)]
public sealed class ToolPackageTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PackAndToolInstall_BuiltCli_RunsAsEdgeInferenceOnThePath()
    {
        var root = Directory.CreateTempSubdirectory("edge-inference-tool-").FullName;
        try
        {
            // The configuration this test assembly was built in (…/bin/<Configuration>/net10.0/<rid>/): the CLI was built alongside it.
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Name;
            var packages = Path.Combine(root, "packages");
            var pack = await ExternalTool.RunAsync(
                "dotnet", ["pack", Path.Combine(RepoPaths.Root, "src", "EdgeInference.Cli"), "-c", configuration, "--no-build", "-o", packages, "-nologo"],
                Token, TimeSpan.FromMinutes(3));
            Assert.True(pack.ExitCode == 0, pack.Stdout + pack.Stderr);
            var package = Assert.Single(Directory.GetFiles(packages, "EdgeInference.Cli.*.nupkg"));
            var version = Path.GetFileNameWithoutExtension(package)["EdgeInference.Cli.".Length..];

            // Only the local package source, and a NuGet cache of its own (an older pack of the same version is never reused).
            var nugetConfig = Path.Combine(root, "nuget.config");
            await File.WriteAllTextAsync(nugetConfig, $"""<?xml version="1.0" encoding="utf-8"?><configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>""", Token);
            var tools = Path.Combine(root, "tools");
            var install = await ExternalTool.RunAsync(
                "dotnet", ["tool", "install", "EdgeInference.Cli", "--tool-path", tools, "--version", version, "--configfile", nugetConfig],
                Token, TimeSpan.FromMinutes(2), environment: new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(root, "nuget-cache") });
            Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);

            var run = await ExternalTool.RunAsync(Path.Combine(tools, "edge-inference"), ["--version"], Token);

            Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
            Assert.StartsWith(version, run.Stdout.Trim(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
