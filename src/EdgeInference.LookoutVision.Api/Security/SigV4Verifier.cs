using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime.Internal.Auth;
using EdgeInference.Aws.Signing;

namespace EdgeInference.LookoutVision.Api.Security;

/// <summary>A request as it arrived, in the terms SigV4 signs: method, the path and query as encoded on the wire, headers by lower-case name, the body's SHA-256.</summary>
public sealed record SignedRequest(
    string Method,
    string RawPath,
    string RawQuery,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Headers,
    string BodySha256Hex);

/// <summary>Why a request was refused, in AWS's terms: the HTTP status, the <c>x-amzn-ErrorType</c> and the message.</summary>
public sealed record ApiRefusal(int HttpStatusCode, string ErrorType, string Message);

/// <summary>
/// Checks an AWS Signature Version 4 <c>Authorization</c> header the way AWS does for a REST-JSON service: the key id must
/// be the configured one, the credential scope <c>date/region/lookoutvision/aws4_request</c>, <c>host</c> and
/// <c>x-amz-date</c> signed, X-Amz-Date within the clock-skew bound of <see cref="TimeProvider"/>, and the signature
/// recomputed over the canonical request (botocore's canonical form, <see cref="SigV4Canonical"/>; HMAC chain from
/// AWSSDK.Core's <see cref="AWS4Signer"/>) and compared in constant time.
/// </summary>
public sealed class SigV4Verifier(ApiSecurity security, TimeProvider timeProvider)
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    private const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <returns>Null when the signature holds; otherwise why not.</returns>
    public ApiRefusal? Verify(SignedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = Header(request, "authorization");
        if (authorization is null)
        {
            return Refuse("MissingAuthenticationTokenException",
                "Missing Authentication Token: every request must be signed with AWS Signature Version 4 (service 'lookoutvision') "
                + "with the key pair lookoutvision-api printed at start or the AWS credentials it was started with.");
        }

        if (!TryParseAuthorization(authorization, out var credential, out var signedHeaders, out var signature, out var problem))
        {
            return Refuse("IncompleteSignatureException", problem);
        }

        var scope = credential.Split('/');
        if (scope.Length != 5)
        {
            return Refuse("IncompleteSignatureException", $"Credential '{credential}' must be <access key id>/<date>/<region>/lookoutvision/aws4_request.");
        }

        var (accessKeyId, scopeDate, region, service, terminator) = (scope[0], scope[1], scope[2], scope[3], scope[4]);
        var expected = security.Credentials;
        if (!FixedTimeEquals(accessKeyId, expected.AccessKeyId))
        {
            return Refuse("UnrecognizedClientException", "The security token included in the request is invalid (unknown access key id).");
        }

        if (service != ApiSecurity.ServiceName || terminator != "aws4_request")
        {
            return Refuse("InvalidSignatureException", $"Credential should be scoped to correct service: '{ApiSecurity.ServiceName}' (got '{service}/{terminator}').");
        }

        if (security.Region is { } requiredRegion && region != requiredRegion)
        {
            return Refuse("InvalidSignatureException", $"Credential should be scoped to a valid region: '{requiredRegion}' (got '{region}').");
        }

        var signed = signedHeaders.Split(';');
        if (!signed.Contains("host") || !signed.Contains("x-amz-date"))
        {
            return Refuse("IncompleteSignatureException", $"SignedHeaders '{signedHeaders}' must include host and x-amz-date.");
        }

        var amzDate = Header(request, "x-amz-date");
        if (amzDate is null || !DateTime.TryParseExact(amzDate, AmzDateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return Refuse("IncompleteSignatureException", $"X-Amz-Date '{amzDate}' must be a date like 20261127T064801Z.");
        }

        if (!amzDate.StartsWith(scopeDate, StringComparison.Ordinal) || scopeDate.Length != 8)
        {
            return Refuse("InvalidSignatureException", $"Date in Credential scope '{scopeDate}' does not match X-Amz-Date '{amzDate}'.");
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var skew = security.MaxClockSkew;
        if (signedAt < now - skew)
        {
            return Refuse("InvalidSignatureException",
                $"Signature expired: {amzDate} is now earlier than {Format(now - skew)} ({Format(now)} - {skew.TotalMinutes:0} min.)");
        }

        if (signedAt > now + skew)
        {
            return Refuse("InvalidSignatureException",
                $"Signature not yet current: {amzDate} is still later than {Format(now + skew)} ({Format(now)} + {skew.TotalMinutes:0} min.)");
        }

        if (expected.SessionToken is { } token && !FixedTimeEquals(Header(request, "x-amz-security-token") ?? string.Empty, token))
        {
            return Refuse("UnrecognizedClientException", "The security token included in the request is invalid (X-Amz-Security-Token).");
        }

        var canonical = new StringBuilder()
            .Append(request.Method).Append('\n')
            .Append(SigV4Canonical.Path(request.RawPath)).Append('\n')
            .Append(SigV4Canonical.Query(request.RawQuery)).Append('\n');
        foreach (var name in signed)
        {
            if (!request.Headers.TryGetValue(name, out var values) || values.Count == 0)
            {
                return Refuse("IncompleteSignatureException", $"Signed header '{name}' is not in the request.");
            }

            canonical.Append(name).Append(':').Append(string.Join(',', values.Select(SigV4Canonical.HeaderValue))).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(request.BodySha256Hex);
        var computed = AWS4Signer.ComputeSignature(expected.ToImmutable(), region, signedAt, service, signedHeaders, canonical.ToString()).Signature;
        return FixedTimeEquals(computed, signature)
            ? null
            : Refuse("SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
    }

    private static ApiRefusal Refuse(string errorType, string message) => new(403, errorType, message);

    private static string Format(DateTime utc) => utc.ToString(AmzDateFormat, CultureInfo.InvariantCulture);

    private static string? Header(SignedRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    private static bool TryParseAuthorization(string header, out string credential, out string signedHeaders, out string signature, out string problem)
    {
        credential = signedHeaders = signature = string.Empty;
        if (!header.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            problem = $"Authorization header requires the {Algorithm} algorithm (Signature Version 4).";
            return false;
        }

        foreach (var part in header[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var value = part[(equals + 1)..];
            switch (part[..equals])
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        var missing = new[] { ("Credential", credential), ("SignedHeaders", signedHeaders), ("Signature", signature) }
            .Where(p => p.Item2.Length == 0).Select(p => p.Item1).ToList();
        problem = missing.Count == 0 ? string.Empty : $"Authorization header requires '{string.Join("', '", missing)}' parameter(s).";
        return missing.Count == 0;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
