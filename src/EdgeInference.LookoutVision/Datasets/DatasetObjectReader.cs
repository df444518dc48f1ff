using EdgeInference.Aws;
using EdgeInference.Aws.S3;
using EdgeInference.Packaging;

namespace EdgeInference.LookoutVision.Datasets;

/// <summary>Where S3 references are read from: the Region and, for emulators such as moto, an endpoint URL; credentials from the SDK's chain unless given.</summary>
public sealed record S3Settings(string Region, string? EndpointUrl = null, Amazon.Runtime.AWSCredentials? Credentials = null);

/// <summary>Reads what a manifest references: <c>s3://</c> objects through AWSSDK.S3, anything else as a file (relative to the image root).</summary>
public sealed class DatasetObjectReader(string? imageRoot, S3Settings? s3) : IDisposable
{
    private S3ObjectReader? _s3;

    /// <exception cref="PackagingValidationException">The object or file does not exist or cannot be read; the message names it and <paramref name="where"/>.</exception>
    public async Task<byte[]> ReadAsync(string reference, string where, CancellationToken cancellationToken = default)
    {
        var isS3 = reference.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);
        if (!isS3 && !Path.IsPathRooted(reference) && imageRoot is not null && imageRoot.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            // A relative source-ref of a manifest in S3: relative to the manifest's prefix.
            reference = $"{imageRoot.TrimEnd('/')}/{reference}";
        }

        if (S3ObjectReader.TryParseUri(reference, out var bucket, out var key))
        {
            try
            {
                return await S3().ReadAsync(bucket, key, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (AwsClientException ex)
            {
                throw new PackagingValidationException($"{where}: {reference} cannot be read: {ex.Message}", ex);
            }
        }

        var path = Path.IsPathRooted(reference) || imageRoot is null ? reference : Path.Combine(imageRoot, reference);
        if (!File.Exists(path))
        {
            throw new PackagingValidationException($"{where}: the image file {Path.GetFullPath(path)} does not exist.");
        }

        return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _s3?.Dispose();

    private S3ObjectReader S3()
    {
        if (_s3 is null)
        {
            var settings = s3 ?? new S3Settings(Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1");
            _s3 = new S3ObjectReader(settings.Region, settings.Credentials, settings.EndpointUrl);
        }

        return _s3;
    }
}
