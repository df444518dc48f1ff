using System.IO.Compression;
using EdgeInference.Components.Deployment;
using EdgeInference.Components.Gdk;
using EdgeInference.Greengrass.Recipes;
using EdgeInference.Testing;
using EdgeInference.Testing.Components;
using Xunit;

namespace EdgeInference.Cli.Tests.Commands.Component;

/// <summary>`component build` and `deploy-local` through the CLI's own command line, on a temp copy of the project.</summary>
[Collection(ProcessTests.Collection)]
public sealed class ComponentCommandsTests
{
    [Fact]
    public async Task Build_BothRids_WritesGdkLayoutWithRecipeAndZips()
    {
        using var project = new ComponentTestProject();

        var (exitCode, output, error) = await project.BuildAsync();

        Assert.True(exitCode == 0, error);
        var recipe = Path.Combine(project.BuildDirectory, "recipes", "recipe.yaml");
        Assert.Equal(recipe, output.Trim());
        var artifacts = Path.Combine(project.BuildDirectory, "artifacts", "com.example.EdgeInference", "1.0.0");
        Assert.Equal(["edge-inference-worker-linux-arm64.zip", "edge-inference-worker-linux-x64.zip"], Directory.GetFiles(artifacts).Select(Path.GetFileName).Order());
        using (var zip = ZipFile.OpenRead(Path.Combine(artifacts, "edge-inference-worker-linux-arm64.zip")))
        {
            Assert.NotNull(zip.GetEntry("EdgeInference.Worker"));
        }

        var rendered = RecipeYaml.Parse(await File.ReadAllTextAsync(recipe, TestContext.Current.CancellationToken));
        Assert.Equal("1.0.0", rendered["ComponentVersion"]!.GetValue<string>());
        Assert.Equal(3, rendered["Manifests"]!.AsArray().Count); // Jetson (arm64 zip), x86_64, aarch64: no GPU zip by default
        Assert.Contains("of 16,000 bytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_OneRid_RecipeHasOnlyThatPlatform()
    {
        using var project = new ComponentTestProject();

        var (exitCode, _, error) = await project.BuildAsync("--rid", "linux-x64");

        Assert.True(exitCode == 0, error);
        Assert.Contains("manifest 'Linux aarch64' left out", error, StringComparison.Ordinal);
        var rendered = RecipeYaml.Parse(await File.ReadAllTextAsync(Path.Combine(project.BuildDirectory, "recipes", "recipe.yaml"), TestContext.Current.CancellationToken));
        Assert.Equal("amd64", Assert.Single(rendered["Manifests"]!.AsArray())!["Platform"]!["architecture"]!.GetValue<string>());
    }

    [Fact]
    public async Task Build_MissingConfig_ExitsNonZeroWithMessage()
    {
        var (exitCode, _, error) = await ComponentCli.InvokeAsync("component", "build", "--config", "/nonexistent/gdk-config.json", "--skip-dotnet-publish", "--publish-dir", "/tmp");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: /nonexistent/gdk-config.json not found.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_SkipPublishWithoutDir_ExitsNonZero()
    {
        using var project = new ComponentTestProject();

        var (exitCode, _, error) = await ComponentCli.InvokeAsync("component", "build", "--config", project.ConfigPath, "--skip-dotnet-publish");

        Assert.Equal(1, exitCode);
        Assert.Contains("--skip-dotnet-publish needs --publish-dir", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployLocal_AfterBuild_PrintsGreengrassCliDeployment()
    {
        using var project = new ComponentTestProject();
        Assert.Equal(0, (await project.BuildAsync()).ExitCode);

        var (exitCode, output, error) = await ComponentCli.InvokeAsync("deploy-local", "--build-dir", project.BuildDirectory);

        Assert.True(exitCode == 0, error);
        var sudo = Environment.UserName == "root" ? string.Empty : "sudo ";
        Assert.Equal(
            $"{sudo}/greengrass/v2/bin/greengrass-cli deployment create --recipeDir {project.BuildDirectory}/recipes --artifactDir {project.BuildDirectory}/artifacts --merge com.example.EdgeInference=1.0.0",
            output.Trim());
    }

    [Fact]
    public async Task DeployLocal_NextPatchBuild_ExitsNonZeroAskingForConcreteVersion()
    {
        using var project = new ComponentTestProject(File.ReadAllText(Path.Combine(EdgeInference.Testing.RepoPaths.Root, GdkConfig.FileName)).Replace("\"1.0.0\"", "\"NEXT_PATCH\"", StringComparison.Ordinal));
        Assert.Equal(0, (await project.BuildAsync()).ExitCode);

        var (exitCode, _, error) = await ComponentCli.InvokeAsync("deploy-local", "--build-dir", project.BuildDirectory);

        Assert.Equal(1, exitCode);
        Assert.Contains("Local deployments need a concrete version", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployLocal_RunWithFakeGreengrassCli_RunsItWithTheArguments()
    {
        using var project = new ComponentTestProject();
        Assert.Equal(0, (await project.BuildAsync()).ExitCode);
        var fakeCli = Path.Combine(project.Root, "greengrass-cli");
        await File.WriteAllTextAsync(fakeCli, "#!/bin/sh\necho \"ran: $*\"\nexit 3\n", TestContext.Current.CancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fakeCli, (UnixFileMode)0b111_101_101);
        }

        var deployment = LocalDeployment.FromBuild(project.BuildDirectory, null, fakeCli, useSudo: false);
        var log = new StringWriter();

        var exitCode = await deployment.RunAsync(log, TestContext.Current.CancellationToken);

        Assert.Equal(3, exitCode);
        Assert.Contains($"ran: deployment create --recipeDir {project.BuildDirectory}/recipes", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_RealDotnetPublish_OptIn()
    {
        if (Environment.GetEnvironmentVariable("EDGE_INFERENCE_REAL_COMPONENT_BUILD") != "1")
        {
            Assert.Skip("Set EDGE_INFERENCE_REAL_COMPONENT_BUILD=1 to run a real self-contained dotnet publish of the worker (minutes).");
        }

        using var project = new ComponentTestProject();
        var (exitCode, _, error) = await ComponentCli.InvokeAsync(
            "component", "build", "--config", project.ConfigPath, "--rid", "linux-x64",
            "--worker-project", Path.Combine(EdgeInference.Testing.RepoPaths.Root, "src", "EdgeInference.Worker"));

        Assert.True(exitCode == 0, error);
        using var zip = ZipFile.OpenRead(Path.Combine(project.BuildDirectory, "artifacts", "com.example.EdgeInference", "1.0.0", "edge-inference-worker-linux-x64.zip"));
        Assert.NotNull(zip.GetEntry("EdgeInference.Worker"));
    }
}
