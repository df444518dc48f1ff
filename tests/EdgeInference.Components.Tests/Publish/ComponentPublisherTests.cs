using System.Diagnostics;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using EdgeInference.Aws;
using EdgeInference.Components;
using EdgeInference.Components.Publish;
using EdgeInference.Components.Tests.Build;
using EdgeInference.Testing;
using EdgeInference.Testing.Aws;
using EdgeInference.Testing.Components;
using Xunit;

namespace EdgeInference.Components.Tests.Publish;

/// <summary>Build, then publish to moto (S3 + STS) and the in-process GreengrassV2.</summary>
[Collection(ProcessTests.Collection)]
public sealed class ComponentPublisherTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private static readonly BasicAWSCredentials Credentials = new("AKIDTEST", "secret");
    private static readonly ComponentPublisherOptions FastPolling = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10), ClientToken: "fixed-token");
    private readonly ComponentTestProject _project = new();
    private FakeGreengrassV2Server _greengrass = null!;

    public async ValueTask InitializeAsync() => _greengrass = await FakeGreengrassV2Server.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _greengrass.DisposeAsync();
        _project.Dispose();
    }

    [Fact]
    public async Task PublishAsync_NextPatchWithGdkBucket_UploadsZipsAndCreatesDeployableVersion()
    {
        moto.RequireRunning();
        await BuildAsync();
        _greengrass.Seed("com.example.EdgeInference", "1.0.4");
        var progress = new List<string>();

        var published = await Publisher().PublishAsync(Request("NEXT_PATCH", "edge-test", verbatim: false), new SynchronousProgress(progress), TestContext.Current.CancellationToken);

        Assert.Equal("DEPLOYABLE", published.ComponentState);
        Assert.Equal(FakeGreengrassV2Server.VersionArn("com.example.EdgeInference", "1.0.5"), published.ComponentVersionArn);
        const string bucket = "edge-test-us-east-1-123456789012";
        foreach (var rid in new[] { "linux-x64", "linux-arm64" })
        {
            var local = await File.ReadAllBytesAsync(Path.Combine(_project.BuildDirectory, "artifacts", "com.example.EdgeInference", "1.0.0", $"edge-inference-worker-{rid}.zip"), TestContext.Current.CancellationToken);
            Assert.Equal(local, await DownloadAsync(bucket, $"com.example.EdgeInference/1.0.5/edge-inference-worker-{rid}.zip"));
        }

        var sent = Encoding.UTF8.GetString(_greengrass.Recipes[published.ComponentVersionArn]);
        Assert.Contains($"URI: s3://{bucket}/com.example.EdgeInference/1.0.5/edge-inference-worker-linux-x64.zip", sent, StringComparison.Ordinal);
        Assert.Contains("ComponentVersion: 1.0.5", sent, StringComparison.Ordinal);
        Assert.Equal(sent, await File.ReadAllTextAsync(Path.Combine(_project.BuildDirectory, "recipes", "com.example.EdgeInference-1.0.5.yaml"), TestContext.Current.CancellationToken));
        Assert.Contains(progress, p => p.StartsWith("NEXT_PATCH resolved to 1.0.5", StringComparison.Ordinal));
        Assert.Contains(progress, p => p.Contains("(100%)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PublishAsync_VerbatimBucketAndPrefix_UsesThemAsGiven()
    {
        moto.RequireRunning();
        await BuildAsync();

        var published = await Publisher().PublishAsync(Request("1.0.0", "exact-bucket", verbatim: true) with { Prefix = "jobs/j-1" }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotEmpty(await DownloadAsync("exact-bucket", "jobs/j-1/com.example.EdgeInference/1.0.0/edge-inference-worker-linux-x64.zip"));
        Assert.Contains("URI: s3://exact-bucket/jobs/j-1/com.example.EdgeInference/1.0.0/edge-inference-worker-linux-arm64.zip", Encoding.UTF8.GetString(_greengrass.Recipes[published.ComponentVersionArn]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_VersionEndsFailed_ThrowsWithServiceMessage()
    {
        moto.RequireRunning();
        await BuildAsync();
        _greengrass.FailWithMessage = "The artifact could not be downloaded.";

        var error = await Assert.ThrowsAsync<ComponentPublishException>(() => Publisher().PublishAsync(Request("1.0.0", "failing", verbatim: false), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("is FAILED: The artifact could not be downloaded.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_VersionExists_ThrowsConflict()
    {
        moto.RequireRunning();
        await BuildAsync();
        _greengrass.Seed("com.example.EdgeInference", "1.0.0");

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => Publisher().PublishAsync(Request("1.0.0", "conflict", verbatim: false), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("ConflictException", error.ErrorCode);
    }

    [Fact]
    public async Task PublishAsync_NotBuilt_ThrowsAskingForBuild()
    {
        var error = await Assert.ThrowsAsync<ComponentPublishException>(() => Publisher().PublishAsync(Request("1.0.0", "b", verbatim: true), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("build the component first", error.Message, StringComparison.Ordinal);
    }

    private Task BuildAsync() => _project.BuildAsync();

    private IComponentPublisher Publisher() =>
        ComponentPublisherFactory.Create(new PublishEndpoints(moto.Url, _greengrass.Url, moto.Url, S3ForcePathStyle: true), "us-east-1", Credentials, TimeProvider.System, FastPolling);

    private ComponentPublishRequest Request(string version, string bucket, bool verbatim) =>
        new(_project.BuildDirectory, "com.example.EdgeInference", version, bucket, verbatim, null, "us-east-1", new PublishEndpoints());

    private async Task<byte[]> DownloadAsync(string bucket, string key)
    {
        using var client = new AmazonS3Client(Credentials, new AmazonS3Config { ServiceURL = moto.Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        using var response = await client.GetObjectAsync(bucket, key, TestContext.Current.CancellationToken);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, TestContext.Current.CancellationToken);
        return buffer.ToArray();
    }
}
