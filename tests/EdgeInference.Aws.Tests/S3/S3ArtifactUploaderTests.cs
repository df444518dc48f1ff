using Amazon.Runtime;
using Amazon.S3;
using EdgeInference.Aws;
using EdgeInference.Aws.S3;
using EdgeInference.Testing;
using EdgeInference.Testing.Aws;
using Xunit;

namespace EdgeInference.Aws.Tests.S3;

/// <summary>Uploads against a real s3rver process (path-style, S3RVER/S3RVER credentials).</summary>
[Collection(ProcessTests.Collection)]
public sealed class S3ArtifactUploaderTests(S3rverServer s3rver) : IClassFixture<S3rverServer>
{
    private static readonly BasicAWSCredentials Credentials = new(S3rverServer.AccessKey, S3rverServer.AccessKey);

    [Fact]
    public async Task UploadFileAsync_BinaryFile_StoredByteForByteWithProgress()
    {
        s3rver.RequireRunning();
        var content = new byte[300_000];
        new Random(42).NextBytes(content);
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, content, TestContext.Current.CancellationToken);
        var progress = new List<string>();
        using var uploader = new S3ArtifactUploader("us-east-1", Credentials, s3rver.Url, forcePathStyle: true);

        await uploader.UploadFileAsync(file, S3rverServer.Bucket, "com.example.X/1.0.0/worker.zip", new SynchronousProgress(progress), TestContext.Current.CancellationToken);

        Assert.Equal(content, await DownloadAsync(S3rverServer.Bucket, "com.example.X/1.0.0/worker.zip"));
        Assert.Contains(progress, p => p.EndsWith("300,000/300,000 bytes (100%)", StringComparison.Ordinal));
        File.Delete(file);
    }

    [Fact]
    public async Task EnsureBucketAsync_NewBucket_CreatesItSoUploadsWork()
    {
        s3rver.RequireRunning();
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "artifact", TestContext.Current.CancellationToken);
        using var uploader = new S3ArtifactUploader("us-east-1", Credentials, s3rver.Url, forcePathStyle: true);

        await uploader.EnsureBucketAsync("fresh-bucket-1", "us-east-1", TestContext.Current.CancellationToken);
        await uploader.EnsureBucketAsync("fresh-bucket-1", "us-east-1", TestContext.Current.CancellationToken);
        await uploader.UploadFileAsync(file, "fresh-bucket-1", "a/b.txt", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("artifact"u8.ToArray(), await DownloadAsync("fresh-bucket-1", "a/b.txt"));
        File.Delete(file);
    }

    [Fact]
    public async Task UploadFileAsync_BucketMissing_ThrowsNoSuchBucketNamingObject()
    {
        s3rver.RequireRunning();
        var file = Path.GetTempFileName();
        using var uploader = new S3ArtifactUploader("us-east-1", Credentials, s3rver.Url, forcePathStyle: true);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() =>
            uploader.UploadFileAsync(file, "no-such-bucket", "k/f.zip", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("NoSuchBucket", error.ErrorCode);
        Assert.Contains("s3://no-such-bucket/k/f.zip", error.Message, StringComparison.Ordinal);
        File.Delete(file);
    }

    [Fact]
    public async Task UploadFileAsync_WrongCredentials_ThrowsInvalidAccessKeyId()
    {
        s3rver.RequireRunning();
        var file = Path.GetTempFileName();
        using var uploader = new S3ArtifactUploader("us-east-1", new BasicAWSCredentials("WRONG", "WRONG"), s3rver.Url, forcePathStyle: true);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() =>
            uploader.UploadFileAsync(file, S3rverServer.Bucket, "k/f.zip", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("InvalidAccessKeyId", error.ErrorCode);
        File.Delete(file);
    }

    [Fact]
    public async Task UploadFileAsync_NothingListening_ThrowsUnreachable()
    {
        var file = Path.GetTempFileName();
        var endpoint = $"http://127.0.0.1:{ExternalServer.FreePort()}";
        using var uploader = new S3ArtifactUploader("us-east-1", Credentials, endpoint, forcePathStyle: true);

        var error = await Assert.ThrowsAsync<AwsEndpointUnreachableException>(() =>
            uploader.UploadFileAsync(file, "bucket", "k/f.zip", cancellationToken: TestContext.Current.CancellationToken));

        Assert.StartsWith($"Cannot reach S3 at {endpoint}", error.Message, StringComparison.Ordinal);
        File.Delete(file);
    }

    private async Task<byte[]> DownloadAsync(string bucket, string key)
    {
        using var client = new AmazonS3Client(Credentials, new AmazonS3Config { ServiceURL = s3rver.Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        using var response = await client.GetObjectAsync(bucket, key, TestContext.Current.CancellationToken);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, TestContext.Current.CancellationToken);
        return buffer.ToArray();
    }
}
