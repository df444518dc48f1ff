using System.Text;
using EdgeInference.Greengrass.Emulator.Tes;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Tes;

public sealed class HttpRequestHeadTests
{
    [Fact]
    public void Parse_RequestWithQueryAndHeaders_ReadsMethodPathAndHeadersCaseInsensitively()
    {
        var bytes = Encoding.ASCII.GetBytes("GET /2016-11-01/credentialprovider/?x=1 HTTP/1.1\r\nHost: localhost\r\nauthorization: ABC\r\n\r\nbody");

        var end = HttpRequestHead.EndOfHead(bytes);
        var head = HttpRequestHead.Parse(bytes.AsSpan(0, end))!;

        Assert.Equal(bytes.Length - 4, end);
        Assert.Equal(("GET", "/2016-11-01/credentialprovider/", "ABC"), (head.Method, head.Path, head.Headers["Authorization"]));
    }

    [Fact]
    public void EndOfHead_Incomplete_IsMinusOne() =>
        Assert.Equal(-1, HttpRequestHead.EndOfHead("GET / HTTP/1.1\r\nHost: x\r\n"u8));

    [Fact]
    public void Parse_NotHttp_IsNull() =>
        Assert.Null(HttpRequestHead.Parse("hello there\r\n\r\n"u8));
}
