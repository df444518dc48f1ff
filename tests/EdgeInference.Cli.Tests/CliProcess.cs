using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.Cli.Tests;

/// <summary>The real CLI (edge-inference.dll next to the tests) as a child process, with test AWS credentials in its own environment.</summary>
internal static class CliProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "edge-inference.dll");

    public static Task<CliResult> RunAsync(string? workingDirectory, params string[] arguments) =>
        ExternalTool.RunAsync(
            "dotnet",
            [Dll, .. arguments],
            TestContext.Current.CancellationToken,
            timeout: TimeSpan.FromMinutes(2),
            workingDirectory: workingDirectory,
            environment: new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = "AKIDTEST",
                ["AWS_SECRET_ACCESS_KEY"] = "secret",
                ["AWS_EC2_METADATA_DISABLED"] = "true",
                ["AWS_PROFILE"] = null,
            });
}
