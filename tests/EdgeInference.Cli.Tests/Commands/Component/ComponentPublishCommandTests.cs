using Amazon.Runtime;
using Amazon.S3;
using EdgeInference.Testing;
using EdgeInference.Testing.Aws;
using EdgeInference.Testing.Components;
using Xunit;

namespace EdgeInference.Cli.Tests.Commands.Component;

/// <summary>`component publish` as a child process (the real CLI, credentials in its environment) against moto and the in-process GreengrassV2.</summary>
[Collection(ProcessTests.Collection)]
public sealed class ComponentPublishCommandTests(MotoServer moto) : IAsyncLifetime
{
    private static readonly BasicAWSCredentials Credentials = new("AKIDTEST", "secret");
    private readonly ComponentTestProject _project = new();
    private FakeGreengrassV2Server _greengrass = null!;

    public async ValueTask InitializeAsync() => _greengrass = await FakeGreengrassV2Server.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _greengrass.DisposeAsync();
        _project.Dispose();
    }

    [Fact]
    public async Task PublishCommand_ChildProcess_PrintsArnAndExitsZero()
    {
        moto.RequireRunning();
        await BuildAsync();

        var (exitCode, output, error) = await RunCliAsync("component", "publish", "--config", _project.ConfigPath, "--bucket", "cli-bucket", "--region", "us-east-1",
            "--endpoint-url", _greengrass.Url, "--s3-endpoint-url", moto.Url, "--sts-endpoint-url", moto.Url);

        Assert.True(exitCode == 0, error);
        Assert.Equal(FakeGreengrassV2Server.VersionArn("com.example.EdgeInference", "1.0.0"), output.Trim());
        Assert.Contains("Published com.example.EdgeInference 1.0.0: DEPLOYABLE", error, StringComparison.Ordinal);
        Assert.NotEmpty(await DownloadAsync("cli-bucket-us-east-1-123456789012", "com.example.EdgeInference/1.0.0/edge-inference-worker-linux-x64.zip"));
    }

    [Fact]
    public async Task PublishCommand_GreengrassUnreachable_ExitsNonZeroNamingEndpoint()
    {
        moto.RequireRunning();
        await BuildAsync();
        var deadEndpoint = $"http://127.0.0.1:{ExternalServer.FreePort()}";

        var (exitCode, _, error) = await RunCliAsync("component", "publish", "--config", _project.ConfigPath, "--bucket", "dead", "--region", "us-east-1",
            "--endpoint-url", deadEndpoint, "--s3-endpoint-url", moto.Url, "--sts-endpoint-url", moto.Url);

        Assert.Equal(1, exitCode);
        Assert.Contains($"error: Cannot reach GreengrassV2 at {deadEndpoint}", error, StringComparison.Ordinal);
    }

    private async Task BuildAsync() => Assert.Equal(0, (await _project.BuildAsync()).ExitCode);

    private async Task<byte[]> DownloadAsync(string bucket, string key)
    {
        using var client = new AmazonS3Client(Credentials, new AmazonS3Config { ServiceURL = moto.Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        using var response = await client.GetObjectAsync(bucket, key, TestContext.Current.CancellationToken);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, TestContext.Current.CancellationToken);
        return buffer.ToArray();
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] arguments)
    {
        var result = await CliProcess.RunAsync(workingDirectory: null, arguments);
        return (result.ExitCode, result.Stdout, result.Stderr);
    }
}
