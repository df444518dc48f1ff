using System.Buffers;
using System.Text;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Requests;
using Xunit;

namespace EdgeInference.Worker.Tests.Requests;

public sealed class RequestParserTests
{
    private static ParsedRequest Parse(byte[] payload, long limit = 1_000_000) => RequestParser.Parse(new ReadOnlySequence<byte>(payload), limit, "fallback-id");

    [Fact]
    public void Parse_RawBytes_AreTheImageWithTheFallbackId()
    {
        var parsed = Parse([0xFF, 0xD8, 0xFF, 1, 2, 3]);

        Assert.Null(parsed.Error);
        Assert.Equal("fallback-id", parsed.RequestId);
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF, 1, 2, 3 }, parsed.Image.ToArray());
    }

    [Fact]
    public void Parse_JsonRequest_DecodesBase64AndKeepsIdAndReplyTo()
    {
        var parsed = Parse(Encoding.UTF8.GetBytes("  {\"RequestId\":\"r-1\",\"Image\":\"AQID\",\"ReplyTo\":\"my/replies\"}"));

        Assert.Null(parsed.Error);
        Assert.Equal("r-1", parsed.RequestId);
        Assert.Equal("my/replies", parsed.ReplyTo);
        Assert.Equal(new byte[] { 1, 2, 3 }, parsed.Image.ToArray());
    }

    [Fact]
    public void Parse_OverTheLimit_IsPayloadTooLargeWithoutParsing()
    {
        var parsed = Parse(Encoding.UTF8.GetBytes("{\"RequestId\":\"big\",\"Image\":\"" + new string('A', 4000) + "\"}"), limit: 2048);

        Assert.Equal(ErrorCodes.PayloadTooLarge, parsed.Error!.Code);
        Assert.Contains("Limits:MaxPayloadBytes", parsed.Error.Message, StringComparison.Ordinal);
        Assert.Equal("fallback-id", parsed.RequestId);
    }

    [Theory]
    [InlineData("", "InvalidImage")]
    [InlineData("{\"RequestId\":\"a\"", "InvalidRequest")]
    [InlineData("{\"RequestId\":\"a\",\"Image\":\"%%%\"}", "InvalidRequest")]
    [InlineData("{\"RequestId\":\"a\"}", "InvalidRequest")]
    [InlineData("{\"RequestId\":\"a\",\"Image\":\"\"}", "InvalidRequest")]
    [InlineData("{\"RequestId\":\"a\",\"Image\":42}", "InvalidRequest")]
    public void Parse_BadPayload_GetsItsCode(string payload, string code)
    {
        var parsed = Parse(Encoding.UTF8.GetBytes(payload));

        Assert.Equal(code, parsed.Error!.Code);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Error.Message));
    }

    [Fact]
    public void Parse_BadBase64_SaysSoAndKeepsTheRequestId()
    {
        var parsed = Parse("{\"RequestId\":\"keep-me\",\"Image\":\"not*base64\"}"u8.ToArray());

        Assert.Equal("keep-me", parsed.RequestId);
        Assert.Contains("base64", parsed.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TruncatedJson_StillRecoversTheRequestIdWhenItCameFirst()
    {
        var parsed = Parse("{\"RequestId\":\"early\",\"Image\":\"AQ"u8.ToArray());

        Assert.Equal(ErrorCodes.InvalidRequest, parsed.Error!.Code);
        Assert.Equal("early", parsed.RequestId);
    }
}
