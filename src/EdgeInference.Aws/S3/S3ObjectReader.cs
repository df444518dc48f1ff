using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace EdgeInference.Aws.S3;

/// <summary>Reads whole objects (dataset manifests, images, masks) with AWSSDK.S3; an endpoint URL addresses emulators by path.</summary>
public sealed class S3ObjectReader : IDisposable
{
    private const string DisplayName = "S3";
    private readonly AmazonS3Client _client;
    private readonly Uri? _endpoint;

    public S3ObjectReader(string region, AWSCredentials? credentials = null, string? endpointUrl = null)
    {
        var config = new AmazonS3Config { ForcePathStyle = endpointUrl is not null };
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

    /// <summary>Splits <c>s3://bucket/key</c>; false for anything else.</summary>
    public static bool TryParseUri(string uri, out string bucket, out string key)
    {
        bucket = key = string.Empty;
        if (!uri.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = uri[5..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == rest.Length - 1)
        {
            return false;
        }

        (bucket, key) = (rest[..slash], rest[(slash + 1)..]);
        return true;
    }

    /// <exception cref="AwsClientException">The object cannot be read (the service's error code, e.g. NoSuchKey, is kept).</exception>
    public async Task<byte[]> ReadAsync(string bucket, string key, string? versionId = null, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId }, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (AmazonClientException ex)
        {
            throw new AwsProtocolException($"S3 GetObject s3://{bucket}/{key} cannot be sent: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is AmazonServiceException or HttpRequestException)
        {
            if (ex is AmazonServiceException service && service.StatusCode != 0 && !string.IsNullOrEmpty(service.ErrorCode))
            {
                throw new AwsServiceException(DisplayName, "GetObject", service.ErrorCode, service.StatusCode, $"{service.Message} (s3://{bucket}/{key})", ex);
            }

            throw _endpoint is not null
                ? new AwsEndpointUnreachableException(DisplayName, _endpoint, ex)
                : new AwsProtocolException($"S3 GetObject s3://{bucket}/{key} failed: {ex.Message}", ex);
        }
    }

    public void Dispose() => _client.Dispose();
}
