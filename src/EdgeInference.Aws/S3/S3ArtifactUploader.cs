using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeInference.Aws;

namespace EdgeInference.Aws.S3;

/// <summary>
/// Uploads component artifacts with AWSSDK.S3. Chunked (aws-chunked) uploads are off: S3 emulators such as
/// s3rver store the chunk framing inside the object, and a plain signed PUT works everywhere.
/// </summary>
public sealed class S3ArtifactUploader : IDisposable
{
    private const string DisplayName = "S3";
    private readonly AmazonS3Client _client;
    private readonly Uri? _endpoint;

    public S3ArtifactUploader(string region, AWSCredentials? credentials = null, string? endpointUrl = null, bool forcePathStyle = false)
    {
        var config = new AmazonS3Config { ForcePathStyle = forcePathStyle || endpointUrl is not null };
        if (endpointUrl is not null)
        {
            _endpoint = new Uri(endpointUrl);
            config.ServiceURL = endpointUrl;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }

        _client = credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    /// <summary>Creates the bucket unless it exists and is ours (GDK does the same).</summary>
    public async Task EnsureBucketAsync(string bucket, string region, CancellationToken cancellationToken = default)
    {
        try
        {
            await _client.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound || ex.ErrorCode == "NoSuchBucket")
        {
            // Fall through and create it.
        }
        catch (Exception ex) when (ex is AmazonS3Exception or AmazonServiceException or HttpRequestException)
        {
            throw Translate("GetBucketLocation", ex);
        }

        try
        {
            var request = new PutBucketRequest { BucketName = bucket };
            if (region != "us-east-1")
            {
                request.BucketRegion = new S3Region(region);
            }

            await _client.PutBucketAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "BucketAlreadyOwnedByYou")
        {
            // Created meanwhile by us: fine.
        }
        catch (Exception ex) when (ex is AmazonS3Exception or AmazonServiceException or HttpRequestException)
        {
            throw Translate("CreateBucket", ex);
        }
    }

    /// <summary>Uploads one file; progress reports "key: sent/total bytes (percent)" at most every 10 %.</summary>
    public async Task UploadFileAsync(string filePath, string bucket, string key, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            FilePath = filePath,
            UseChunkEncoding = false,
            ContentType = "application/octet-stream",
        };
        var reporter = new UploadProgressReporter(key, progress);
        request.StreamTransferProgress += reporter.OnProgress;
        try
        {
            await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmazonS3Exception or AmazonServiceException or HttpRequestException)
        {
            throw Translate("PutObject", ex, $" (s3://{bucket}/{key})");
        }
        finally
        {
            request.StreamTransferProgress -= reporter.OnProgress;
        }
    }

    public void Dispose() => _client.Dispose();

    private AwsClientException Translate(string operation, Exception ex, string detail = "")
    {
        if (ex is AmazonServiceException service && service.StatusCode != 0 && !string.IsNullOrEmpty(service.ErrorCode))
        {
            return new AwsServiceException(DisplayName, operation, service.ErrorCode, service.StatusCode, service.Message + detail, ex);
        }

        var endpoint = _endpoint ?? new Uri("https://s3.amazonaws.com");
        return new AwsEndpointUnreachableException(DisplayName, endpoint, ex.InnerException ?? ex);
    }

    private sealed class UploadProgressReporter(string key, IProgress<string>? progress)
    {
        private int _lastDecile = -1;

        public void OnProgress(object? sender, StreamTransferProgressArgs args)
        {
            if (progress is null || args.TotalBytes <= 0)
            {
                return;
            }

            var decile = (int)(args.TransferredBytes * 10 / args.TotalBytes);
            if (decile == _lastDecile)
            {
                return;
            }

            _lastDecile = decile;
            progress.Report($"Uploading {key}: {args.TransferredBytes:N0}/{args.TotalBytes:N0} bytes ({args.PercentDone}%)");
        }
    }
}
