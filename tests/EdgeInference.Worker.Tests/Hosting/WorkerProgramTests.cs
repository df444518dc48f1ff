using EdgeInference.Worker.Hosting;
using EdgeInference.Worker.Status;
using Xunit;

namespace EdgeInference.Worker.Tests.Hosting;

/// <summary>--help and --version are answered wherever they stand and never run the host (no sockets: a host would fail on port 0).</summary>
public sealed class WorkerProgramTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("--help", "--Mqtt:Port=0")]
    [InlineData("--Mqtt:Port=0", "-h")]
    [InlineData("--Model:Path", "--help")]
    public async Task RunAsync_Help_PrintsTheKeysAndExitCodesWithoutStartingTheHost(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await WorkerProgram.RunAsync(args, output, error, Token);

        Assert.Equal(WorkerExitCodes.Success, exitCode);
        Assert.Contains("Usage:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Limits:MaxPayloadBytes", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Exit codes:", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, error.ToString());
    }

    [Fact]
    public async Task RunAsync_VersionAfterAKeyWithoutValue_PrintsTheVersionOnly()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await WorkerProgram.RunAsync(["--Mqtt:Port", "--version"], output, error, Token);

        Assert.Equal(WorkerExitCodes.Success, exitCode);
        Assert.Equal(WorkerVersion.Current, output.ToString().Trim());
    }
}
