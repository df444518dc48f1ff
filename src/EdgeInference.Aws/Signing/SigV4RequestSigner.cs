using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace EdgeInference.Aws.Signing;

/// <summary>
/// Signs REST-JSON requests with AWS Signature Version 4 the way botocore (the AWS CLI) does: it signs
/// <c>content-type</c> (when there is a body), <c>host</c>, <c>x-amz-date</c> and <c>x-amz-security-token</c>,
/// percent-encodes the already-encoded path once more (non-S3 services), and hashes the payload.
/// The key derivation and HMAC come from AWSSDK.Core's <see cref="AWS4Signer"/>.
/// </summary>
public static class SigV4RequestSigner
{
    public const string DateHeader = "X-Amz-Date";
    public const string SecurityTokenHeader = "X-Amz-Security-Token";

    /// <summary>Adds X-Amz-Date, X-Amz-Security-Token (if any) and Authorization to <paramref name="request"/>.</summary>
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, ImmutableCredentials credentials, string region, string service, DateTimeOffset signedAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var utc = signedAt.UtcDateTime;
        var amzDate = utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = CanonicalHost(uri),
            ["x-amz-date"] = amzDate,
        };
        if (request.Content?.Headers.ContentType is { } contentType)
        {
            headers["content-type"] = CollapseWhitespace(contentType.ToString());
        }

        if (!string.IsNullOrEmpty(credentials.Token))
        {
            headers["x-amz-security-token"] = credentials.Token;
            request.Headers.TryAddWithoutValidation(SecurityTokenHeader, credentials.Token);
        }

        var signedHeaders = string.Join(';', headers.Keys);
        var canonicalRequest = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(CanonicalPath(uri)).Append('\n')
            .Append(SigV4Canonical.Query(uri.Query)).Append('\n');
        foreach (var (name, value) in headers)
        {
            canonicalRequest.Append(name).Append(':').Append(value).Append('\n');
        }

        canonicalRequest.Append('\n').Append(signedHeaders).Append('\n').Append(Convert.ToHexStringLower(SHA256.HashData(body)));

        var result = AWS4Signer.ComputeSignature(credentials, region, utc, service, signedHeaders, canonicalRequest.ToString());
        request.Headers.TryAddWithoutValidation(DateHeader, amzDate);
        request.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
    }

    private static string CanonicalHost(Uri uri) => uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";

    /// <summary>botocore quotes the (already percent-encoded) path again, keeping only '/' and '~' unescaped.</summary>
    internal static string CanonicalPath(Uri uri) => SigV4Canonical.Path(uri.AbsolutePath);

    private static string CollapseWhitespace(string value) => SigV4Canonical.HeaderValue(value);
}
