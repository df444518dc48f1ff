using System.CommandLine;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeInference.Greengrass.Emulator.Cli;
using EdgeInference.Greengrass.Emulator.Tests.Fakes;
using Xunit;
using static EdgeInference.Greengrass.Emulator.Tests.Fakes.DeploymentFolder;

namespace EdgeInference.Greengrass.Emulator.Tests.Cli;

/// <summary>The standalone command on real deployments: greengrass-cli's flags, the run, the refusals, the failure, the cleanup.</summary>
[Collection(ProcessCollection.Name)]
public sealed partial class EmulatorCommandTests : IDisposable
{
    private readonly DeploymentFolder _deployment = new();

    public void Dispose() => _deployment.Dispose();

    [Fact]
    public async Task Invoke_TwoComponentDeployment_RunsInDependencyOrderWithTheHighestSatisfyingVersion_AndRemovesItsFolders()
    {
        foreach (var version in new[] { "1.0.0", "1.5.0", "2.0.0" })
        {
            _deployment.Recipe(RecipeOf("com.example.Base", version, new JsonObject { ["Run"] = $"echo \"base {version} word={{configuration:/Word}}\"" },
                defaultConfiguration: new JsonObject { ["Word"] = "default" }));
        }

        _deployment.Recipe("app.yaml", """
            RecipeFormatVersion: '2020-01-25'
            ComponentName: com.example.App
            ComponentVersion: '1.0.0'
            ComponentDependencies:
              com.example.Base:
                VersionRequirement: '>=1.0.0 <2.0.0'
            ComponentConfiguration:
              DefaultConfiguration:
                Greeting: hello
            Manifests:
              - Platform:
                  os: '*'
                Lifecycle:
                  Run: echo "app {configuration:/Greeting} x={configuration:/X} base={com.example.Base:configuration:/Word} thing={com.example.Base:iot:thingName}"
            """);

        var (exitCode, output, error) = await InvokeAsync(
            "--recipeDir", _deployment.RecipeDirectory, "--artifactDir", _deployment.ArtifactDirectory, "--merge", "com.example.App=1.0.0",
            "--update-config", """{"com.example.App":{"MERGE":{"X":1}}}""", "--thing-name", "cli-core", "--exit-when-done");

        Assert.True(exitCode == 0, $"exit {exitCode}; stdout: {output}; stderr: {error}");
        Assert.Contains("[com.example.Base Run] base 1.5.0 word=default", output, StringComparison.Ordinal);
        Assert.Contains("[com.example.App Run] app hello x=1 base=default thing=cli-core", output, StringComparison.Ordinal);
        Assert.Contains("[deployment] succeeded", output, StringComparison.Ordinal);
        Assert.True(
            output.IndexOf("[state] com.example.Base RUNNING", StringComparison.Ordinal) < output.IndexOf("[state] com.example.App STARTING", StringComparison.Ordinal),
            output);
        Assert.False(Directory.Exists(RootOf(output)), $"{RootOf(output)} was left behind");
    }

    [Fact]
    public async Task Invoke_Keep_KeepsTheWorkingFoldersAndSaysWhere()
    {
        _deployment.Artifact("com.example.Keep", "1.0.0", "data.txt", "kept");
        _deployment.Recipe(RecipeOf("com.example.Keep", "1.0.0", new JsonObject { ["Run"] = "cat {artifacts:path}/data.txt" },
            artifacts: [new JsonObject { ["URI"] = "s3://bucket/com.example.Keep/1.0.0/data.txt" }]));

        var (exitCode, output, _) = await InvokeAsync(
            "--recipeDir", _deployment.RecipeDirectory, "--artifactDir", _deployment.ArtifactDirectory, "--merge", "com.example.Keep=1.0.0", "--exit-when-done", "--keep");

        var root = RootOf(output);
        try
        {
            Assert.Equal(0, exitCode);
            Assert.Contains($"[nucleus] kept the working folders in {root}", output, StringComparison.Ordinal);
            Assert.Equal("kept", await File.ReadAllTextAsync(Path.Combine(root, "packages", "artifacts", "com.example.Keep", "1.0.0", "data.txt"), TestContext.Current.CancellationToken));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("unknown dependency", "com.example.Missing: dependency resolution: no local version satisfies every requirement (there is no recipe for it in the recipe folder)")]
    [InlineData("unsatisfiable range", "com.example.Base: dependency resolution: no local version satisfies every requirement (local versions: 1.0.0)")]
    [InlineData("cycle", "com.example.App: dependency cycle: Circular dependency detected for component com.example.App-v1.0.0 (com.example.App -> com.example.Base -> com.example.App)")]
    [InlineData("missing artifact", "com.example.App: artifact: com.example.App-v1.0.0: artifact app.sh (from s3://bucket/com.example.App/1.0.0/app.sh) is not in")]
    [InlineData("malformed merge", "--merge: NAME=VERSION: Value for option '--merge' should be in KEY=VALUE format but was com.example.App")]
    [InlineData("malformed update-config", "com.example.App: --update-config: MERGE must be a JSON object")]
    [InlineData("update-config not JSON", "--update-config: JSON: Update configuration parameter is not a properly formatted JSON file or a JSON string")]
    public async Task Invoke_BadDeployment_IsRefusedNamingTheComponentAndTheRule_AndStartsNothing(string problem, string message)
    {
        var appDependencies = problem switch
        {
            "unknown dependency" => new JsonObject { ["com.example.Missing"] = Dependency("^1.0.0") },
            "unsatisfiable range" => new JsonObject { ["com.example.Base"] = Dependency(">=3.0.0") },
            _ => new JsonObject { ["com.example.Base"] = Dependency("1.0.0") },
        };
        var baseDependencies = problem == "cycle" ? new JsonObject { ["com.example.App"] = Dependency("*") } : null;
        var appArtifacts = problem == "missing artifact" ? new JsonArray(new JsonObject { ["URI"] = "s3://bucket/com.example.App/1.0.0/app.sh" }) : null;
        _deployment.Recipe(RecipeOf("com.example.Base", "1.0.0", new JsonObject { ["Run"] = "echo base-ran" }, baseDependencies));
        _deployment.Recipe(RecipeOf("com.example.App", "1.0.0", new JsonObject { ["Run"] = "echo app-ran" }, appDependencies, artifacts: appArtifacts));
        var merge = problem == "malformed merge" ? "com.example.App" : "com.example.App=1.0.0";
        var updateConfig = problem switch
        {
            "malformed update-config" => """{"com.example.App":{"MERGE":[1]}}""",
            "update-config not JSON" => "{oops",
            _ => "{}",
        };

        var (exitCode, output, error) = await InvokeAsync(
            "--recipeDir", _deployment.RecipeDirectory, "--artifactDir", _deployment.ArtifactDirectory, "--merge", merge, "--update-config", updateConfig,
            "--root", _deployment.RootPath, "--exit-when-done");

        Assert.True(exitCode == EmulatorCommand.ExitRefused, $"exit {exitCode}; stdout: {output}; stderr: {error}");
        Assert.Contains($"error: deployment refused: {message}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("-ran", output, StringComparison.Ordinal);
        Assert.DoesNotContain("STARTING", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_deployment.RootPath), "the working folders were left behind");
    }

    [Fact]
    public async Task Invoke_ComponentThatFailsEveryStartup_FailsTheDeploymentNamingItAndWhy_AndStopsWhatStarted()
    {
        var log = Path.Combine(_deployment.Folder, "base.log");
        _deployment.Recipe(RecipeOf("com.example.Base", "1.0.0", new JsonObject
        {
            ["Run"] = $"trap 'echo term >> {log}; exit 0' TERM; echo up >> {log}; while true; do sleep 0.05; done",
        }));
        // Startup, not Run: a Run is RUNNING as soon as it starts, and whether a deployment poll catches it RUNNING or
        // BROKEN is timing, on the nucleus as here.
        _deployment.Recipe(RecipeOf("com.example.App", "1.0.0", new JsonObject { ["Startup"] = "echo failing; exit 4" },
            new JsonObject { ["com.example.Base"] = Dependency("^1.0.0") }));

        var (exitCode, output, error) = await InvokeAsync(
            "--recipeDir", _deployment.RecipeDirectory, "--merge", "com.example.App=1.0.0", "--root", _deployment.RootPath);

        Assert.True(exitCode == EmulatorCommand.ExitDeploymentFailed, $"exit {exitCode}; stdout: {output}; stderr: {error}");
        Assert.Contains("error: Service com.example.App in broken state after deployment: 3 errors in STARTING; last: Startup exited with 4", error, StringComparison.Ordinal);
        Assert.Equal(3, CountOf(output, "[com.example.App Startup] failing"));
        Assert.Equal(2, CountOf(output, "[state] com.example.App ERRORED (Lifecycle): Startup exited with 4"));
        Assert.Contains("[state] com.example.App BROKEN", output, StringComparison.Ordinal);
        Assert.Contains("[state] com.example.Base FINISHED", output, StringComparison.Ordinal);
        Assert.Equal(["up", "term"], await File.ReadAllLinesAsync(log, TestContext.Current.CancellationToken));
    }

    private static int CountOf(string text, string part) => Regex.Matches(text, Regex.Escape(part)).Count;

    private static string RootOf(string output) => RootLine().Match(output).Groups[1].Value;

    private static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await EmulatorCommand.Create()
            .Parse(arguments)
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    [GeneratedRegex("; root ([^;]+);")]
    private static partial Regex RootLine();
}
