using System.CommandLine;
using Xunit;

namespace EdgeInference.Cli.Tests;

/// <summary>The exit-code contract of the whole command tree: bad arguments exit 4 (README), never 1 (an error reply).</summary>
public sealed class CliApplicationTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("infer --image x.jpg --no-such-option", "--no-such-option")]
    [InlineData("no-such-command", "no-such-command")]
    [InlineData("infer --image x.jpg --port abc", "abc")]
    [InlineData("infer --image x.jpg --port 70000", "--port must be 1 to 65535")]
    [InlineData("describe --timeout 0", "--timeout must be more than 0")]
    [InlineData("infer", "--image")]
    [InlineData("", "Required command was not provided")]
    public async Task InvokeAsync_BadArguments_ExitsFourNamingTheProblem(string commandLine, string named)
    {
        var (exitCode, _, error) = await InvokeAsync(commandLine);

        Assert.Equal(CliApplication.ExitBadArguments, exitCode);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("infer --help")]
    [InlineData("--version")]
    public async Task InvokeAsync_HelpOrVersion_ExitsZero(string commandLine)
    {
        var (exitCode, output, _) = await InvokeAsync(commandLine);

        Assert.Equal(0, exitCode);
        Assert.False(string.IsNullOrWhiteSpace(output));
    }

    private static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(string commandLine)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApplication.InvokeAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries), new InvocationConfiguration { Output = output, Error = error }, Token);
        return (exitCode, output.ToString(), error.ToString());
    }
}
