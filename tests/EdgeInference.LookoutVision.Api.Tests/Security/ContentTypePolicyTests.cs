using EdgeInference.LookoutVision.Api.Security;
using Xunit;

namespace EdgeInference.LookoutVision.Api.Tests.Security;

public sealed class ContentTypePolicyTests
{
    [Theory]
    [InlineData("application/x-amz-json-1.1")]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    public void Check_AwsJsonBody_Accepts(string contentType) => Assert.Null(ContentTypePolicy.Check(contentType, hasBody: true, takesImage: false));

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/plain;charset=UTF-8")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public void Check_BrowserSimpleRequestType_Refused415(string contentType)
    {
        foreach (var (hasBody, takesImage) in new[] { (true, false), (false, false), (true, true) })
        {
            var refusal = ContentTypePolicy.Check(contentType, hasBody, takesImage);

            Assert.Equal(415, refusal!.HttpStatusCode);
            Assert.Equal("UnsupportedMediaTypeException", refusal.ErrorType);
        }
    }

    [Fact]
    public void Check_BodyWithoutContentType_Refused() =>
        Assert.Equal(415, ContentTypePolicy.Check(null, hasBody: true, takesImage: false)!.HttpStatusCode);

    [Fact]
    public void Check_NoBodyNoContentType_Accepts() => Assert.Null(ContentTypePolicy.Check(null, hasBody: false, takesImage: false));

    [Theory]
    [InlineData("image/png", true)]
    [InlineData("image/jpeg", true)]
    [InlineData("application/json", false)]
    public void Check_DetectAnomaliesBody_TakesImagesOnly(string contentType, bool accepted) =>
        Assert.Equal(accepted, ContentTypePolicy.Check(contentType, hasBody: true, takesImage: true) is null);

    [Fact]
    public void Check_ImageOnAJsonOperation_RefusedNamingJsonTypes()
    {
        var refusal = ContentTypePolicy.Check("image/png", hasBody: true, takesImage: false)!;

        Assert.Contains("application/x-amz-json-1.1 or application/json", refusal.Message, StringComparison.Ordinal);
    }
}
