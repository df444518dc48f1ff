using System.CommandLine;
using EdgeInference.Greengrass.Emulator.Cli;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Cli;

public sealed class EmulatorCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gge-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Invoke_RecipeWithExitWhenDone_PrintsOutputAndStatesAndReturnsRunExitCode()
    {
        var recipe = Path.Combine(_folder, "recipe.yaml");
        await File.WriteAllTextAsync(recipe, """
            ComponentName: com.example.Cli
            ComponentConfiguration:
              DefaultConfiguration:
                Word: default
            Manifests:
              - Lifecycle:
                  Run: "echo word={configuration:/Word} thing={iot:thingName}; exit 7"
            """, TestContext.Current.CancellationToken);
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await EmulatorCommand.Create()
            .Parse(["--recipe", recipe, "--artifacts", _folder, "--root", Path.Combine(_folder, "root"), "--thing-name", "cli-core", "--merge", """{"Word":"merged"}""", "--exit-when-done"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var text = output.ToString();
        Assert.True(exitCode == 7, $"exit {exitCode}; stdout: {text}; stderr: {error}");
        Assert.Contains("[Run] word=merged thing=cli-core", text, StringComparison.Ordinal);
        Assert.Contains("[state] com.example.Cli RUNNING (Lifecycle)", text, StringComparison.Ordinal);
        Assert.Contains("[state] com.example.Cli ERRORED (Lifecycle)", text, StringComparison.Ordinal);
        Assert.Contains($"IPC socket {Path.Combine(_folder, "root", "ipc.socket")}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_MissingRecipeFile_FailsWithMessage()
    {
        var error = new StringWriter();

        var exitCode = await EmulatorCommand.Create()
            .Parse(["--recipe", Path.Combine(_folder, "absent.yaml"), "--artifacts", _folder, "--root", Path.Combine(_folder, "root")])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error }, TestContext.Current.CancellationToken);

        Assert.Equal(EmulatorCommand.ExitFailure, exitCode);
        Assert.Contains("Cannot read the recipe", error.ToString(), StringComparison.Ordinal);
    }
}
