using System.Diagnostics;
using EdgeInference.LookoutVision.Api.Security;
using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.LookoutVision.Api.Tests;

/// <summary>Runs Debian's AWS CLI v2 (<c>/usr/bin/aws</c>, not the v1 on PATH) against an endpoint with throw-away credentials.</summary>
internal static class AwsCliRunner
{
    public const string AwsCli = "/usr/bin/aws";

    /// <summary>The key pair every AWS CLI call here signs with; the hosts under test accept exactly this pair.</summary>
    public static readonly ApiCredentials Keys = new("AKIDEXAMPLE", "dummy-secret", null, "tests");

    public static ApiSecurity Security => new() { Credentials = Keys };
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    public static void SkipWithoutAwsCli()
    {
        if (!File.Exists(AwsCli))
        {
            Assert.Skip($"{AwsCli} (Debian's AWS CLI v2, installed by tests/run.sh) is absent.");
        }
    }

    public static async Task<CliResult> RunAsync(string endpoint, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(AwsCli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in args.Concat(["--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json"]))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_ACCESS_KEY_ID"] = Keys.AccessKeyId;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = Keys.SecretAccessKey;
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        start.Environment["AWS_PAGER"] = string.Empty;

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
