using Amazon.Runtime;
using EdgeInference.Aws.Signing;
using Xunit;

namespace EdgeInference.Aws.Tests.Signing;

/// <summary>Known answers from AWS's Signature Version 4 test suite (get-vanilla family).</summary>
public sealed class SigV4RequestSignerTests
{
    private static readonly ImmutableCredentials SuiteCredentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("https://example.amazonaws.com/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("https://example.amazonaws.com/?Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    public void Sign_AwsTestSuiteGetRequest_MatchesPublishedSignature(string url, string expectedSignature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);

        SigV4RequestSigner.Sign(request, [], SuiteCredentials, "us-east-1", "service", SuiteTime);

        Assert.Equal("20150830T123600Z", request.Headers.GetValues("X-Amz-Date").Single());
        Assert.Equal(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={expectedSignature}",
            request.Headers.GetValues("Authorization").Single());
    }

    [Fact]
    public void Sign_SessionCredentials_SignsAndSendsSecurityToken()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");

        SigV4RequestSigner.Sign(request, [], new ImmutableCredentials("AKIDEXAMPLE", "secret", "session-token"), "us-east-1", "service", SuiteTime);

        Assert.Equal("session-token", request.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Contains("SignedHeaders=host;x-amz-date;x-amz-security-token,", request.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void CanonicalPath_PercentEncodedArn_IsEncodedAgainLikeBotocore()
    {
        var uri = new Uri("http://127.0.0.1:1/greengrass/v2/components/arn%3Aaws%3Agreengrass%3Aus-east-1%3A1%3Acomponents%3Ax/versions");

        Assert.Equal("/greengrass/v2/components/arn%253Aaws%253Agreengrass%253Aus-east-1%253A1%253Acomponents%253Ax/versions", SigV4RequestSigner.CanonicalPath(uri));
    }
}
