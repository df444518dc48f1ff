using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using EdgeInference.Aws.Signing;
using EdgeInference.LookoutVision.Api.Security;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace EdgeInference.LookoutVision.Api.Tests.Security;

/// <summary>The server-side SigV4 check against requests signed the way botocore signs them (no sockets: requests are built, not sent).</summary>
public sealed class SigV4VerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 6, 48, 1, TimeSpan.Zero);
    private static readonly ApiCredentials Keys = new("AKIDEXAMPLE", "dummy-secret", null, "tests");
    private readonly FakeTimeProvider _time = new(Now);

    private SigV4Verifier Verifier(string? region = null) => new(new ApiSecurity { Credentials = Keys, Region = region }, _time);

    [Fact]
    public void Verify_SignedLikeTheAwsCli_Accepts()
    {
        var request = Signed(HttpMethod.Get, "http://127.0.0.1:8080/2020-11-20/projects/p1/modelpackagingjobs?maxResults=5&nextToken=b2Zmc2V0OjE%3D");

        Assert.Null(Verifier().Verify(request));
    }

    [Fact]
    public void Verify_PostWithJsonBody_Accepts()
    {
        var request = Signed(HttpMethod.Post, "http://127.0.0.1:8080/2020-11-20/projects", """{"ProjectName":"p1"}""", "application/x-amz-json-1.1");

        Assert.Null(Verifier().Verify(request));
    }

    [Fact]
    public void Verify_PercentEncodedPathSegment_AcceptsBotocoresDoubleEncoding()
    {
        var request = Signed(HttpMethod.Get, "http://127.0.0.1:8080/2020-11-20/projects/a%3Ab/models/1");

        Assert.Null(Verifier().Verify(request));
    }

    [Fact]
    public void Verify_NoAuthorization_MissingAuthenticationToken()
    {
        var request = Signed(HttpMethod.Get, "http://127.0.0.1:8080/2020-11-20/projects") with { Headers = new Dictionary<string, IReadOnlyList<string>> { ["host"] = ["127.0.0.1:8080"] } };

        var refusal = Verifier().Verify(request);

        Assert.Equal(new ApiRefusal(403, "MissingAuthenticationTokenException", refusal!.Message), refusal);
        Assert.Contains("Signature Version 4", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_WrongSecret_SignatureDoesNotMatch()
    {
        var request = Signed(HttpMethod.Get, "http://127.0.0.1:8080/2020-11-20/projects", secret: "not-the-secret");

        var refusal = Verifier().Verify(request);

        Assert.Equal(403, refusal!.HttpStatusCode);
        Assert.Equal("SignatureDoesNotMatch", refusal.ErrorType);
    }

    [Fact]
    public void Verify_BodyChangedAfterSigning_SignatureDoesNotMatch()
    {
        var request = Signed(HttpMethod.Post, "http://127.0.0.1:8080/2020-11-20/projects", """{"ProjectName":"p1"}""", "application/json");
        var tampered = request with { BodySha256Hex = Convert.ToHexStringLower(SHA256.HashData("""{"ProjectName":"p2"}"""u8)) };

        Assert.Equal("SignatureDoesNotMatch", Verifier().Verify(tampered)!.ErrorType);
    }

    [Fact]
    public void Verify_QueryChangedAfterSigning_SignatureDoesNotMatch()
    {
        var request = Signed(HttpMethod.Get, "http://127.0.0.1:8080/2020-11-20/projects?maxResults=5");

        Assert.Equal("SignatureDoesNotMatch", Verifier().Verify(request with { RawQuery = "maxResults=6" })!.ErrorType);
    }

    [Fact]
    public void Verify_UnknownAccessKey_UnrecognizedClient()
    {
        var request = Signed(HttpMethod.Get, "http://127.0.0.1:8080/2020-11-20/projects", accessKey: "AKIDOTHER");

        Assert.Equal("UnrecognizedClientException", Verifier().Verify(request)!.ErrorType);
    }

    [Fact]
    public void Verify_ScopedToAnotherService_InvalidSignatureNamingTheService()
    {
        var request = Signed(HttpMethod.Get, "http://127.0.0.1:8080/2020-11-20/projects", service: "s3");

        var refusal = Verifier().Verify(request)!;

        Assert.Equal("InvalidSignatureException", refusal.ErrorType);
        Assert.Contains("'lookoutvision'", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RegionRequiredAndOtherSigned_InvalidSignature()
    {
        var request = Signed(HttpMethod.Get, "http://127.0.0.1:8080/2020-11-20/projects", region: "eu-west-1");

        Assert.Null(Verifier().Verify(request));
        Assert.Equal("InvalidSignatureException", Verifier(region: "us-east-1").Verify(request)!.ErrorType);
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public void Verify_DateBeyondClockSkew_InvalidSignature(int minutes)
    {
        var request = Signed(HttpMethod.Get, "http://127.0.0.1:8080/2020-11-20/projects", signedAt: Now.AddMinutes(minutes));

        var refusal = Verifier().Verify(request)!;

        Assert.Equal("InvalidSignatureException", refusal.ErrorType);
        Assert.Contains(minutes < 0 ? "Signature expired" : "not yet current", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DateWithinClockSkew_Accepts()
    {
        var request = Signed(HttpMethod.Get, "http://127.0.0.1:8080/2020-11-20/projects", signedAt: Now.AddMinutes(-4));

        Assert.Null(Verifier().Verify(request));
    }

    [Fact]
    public void Verify_HostNotSigned_IncompleteSignature()
    {
        var request = Signed(HttpMethod.Get, "http://127.0.0.1:8080/2020-11-20/projects");
        var headers = new Dictionary<string, IReadOnlyList<string>>(request.Headers)
        {
            ["authorization"] = [request.Headers["authorization"][0].Replace("SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date", StringComparison.Ordinal)],
        };

        Assert.Equal("IncompleteSignatureException", Verifier().Verify(request with { Headers = headers })!.ErrorType);
    }

    [Fact]
    public void Verify_HostChangedAfterSigning_SignatureDoesNotMatch()
    {
        var request = Signed(HttpMethod.Get, "http://127.0.0.1:8080/2020-11-20/projects");
        var headers = new Dictionary<string, IReadOnlyList<string>>(request.Headers) { ["host"] = ["evil.example:8080"] };

        Assert.Equal("SignatureDoesNotMatch", Verifier().Verify(request with { Headers = headers })!.ErrorType);
    }

    /// <summary>A request signed by the CLI side's signer (botocore's rules), as the server would see it.</summary>
    internal static SignedRequest Signed(
        HttpMethod method, string url, string? body = null, string? contentType = null,
        string accessKey = "AKIDEXAMPLE", string secret = "dummy-secret", string region = "us-east-1", string service = "lookoutvision",
        DateTimeOffset? signedAt = null)
    {
        var uri = new Uri(url);
        using var message = new HttpRequestMessage(method, uri);
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        if (body is not null)
        {
            message.Content = new ByteArrayContent(bytes);
            message.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType!);
        }

        SigV4RequestSigner.Sign(message, bytes, new ImmutableCredentials(accessKey, secret, null), region, service, signedAt ?? Now);
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["host"] = [uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}"],
        };
        foreach (var header in message.Headers.Concat(message.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
        {
            headers[header.Key.ToLowerInvariant()] = header.Value.ToList();
        }

        return new SignedRequest(method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
