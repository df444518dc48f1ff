using System.Buffers;
using System.Text;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Requests;
using Xunit;

namespace EdgeInference.Worker.Tests.Requests;

public sealed class RequestReaderTests
{
    private static ParsedRequest Read(byte[] payload, long limit = 1_000_000, string? requestIdProperty = "fallback-id", string? modelProperty = null, bool forDescribe = false) =>
        RequestReader.Read(
            new IncomingMessage
            {
                Channel = MessageChannel.Mqtt,
                Topic = "t",
                Payload = new ReadOnlySequence<byte>(payload),
                RequestIdProperty = requestIdProperty,
                ModelProperty = modelProperty,
            },
            limit,
            forDescribe);

    [Fact]
    public void Read_RawBytes_AreTheImageWithTheUserPropertyId()
    {
        var parsed = Read([0xFF, 0xD8, 0xFF, 1, 2, 3]);

        Assert.Null(parsed.Error);
        Assert.Equal("fallback-id", parsed.RequestId);
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF, 1, 2, 3 }, parsed.Image.ToArray());
    }

    [Fact]
    public void Read_RawBytesWithoutAnId_GetsAGeneratedOne() =>
        Assert.Equal(32, Read([1, 2, 3], requestIdProperty: null).RequestId.Length);

    [Fact]
    public void Read_RawBytes_StayTheTransportBufferUntilOwned()
    {
        var buffer = new byte[] { 9, 8, 7 };
        var parsed = Read(buffer);

        Assert.True(parsed.ImageBorrowed);
        buffer[0] = 5;
        Assert.Equal(5, parsed.Image.Span[0]);
    }

    [Fact]
    public void Owned_BorrowedImage_IsCopiedOutOfTheTransportBuffer()
    {
        var buffer = new byte[] { 9, 8, 7 };
        var owned = Read(buffer).Owned();
        buffer[0] = 0;

        Assert.False(owned.ImageBorrowed);
        Assert.Equal(new byte[] { 9, 8, 7 }, owned.Image.ToArray());
    }

    [Fact]
    public void ReleaseImage_OwnedCopy_GoesBackToThePoolOnce()
    {
        var owned = Read(new byte[] { 9, 8, 7 }).Owned();
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(owned.Image, out var segment));

        owned.ReleaseImage();
        owned.ReleaseImage();

        // Given back exactly once: the pool hands that array out next (a second return would hand it out twice).
        var first = System.Buffers.ArrayPool<byte>.Shared.Rent(3);
        var second = System.Buffers.ArrayPool<byte>.Shared.Rent(3);
        Assert.Same(segment.Array, first);
        Assert.NotSame(first, second);
    }

    [Fact]
    public void Read_RawBytesInSeveralSegments_AreGatheredIntoAnOwnedImage()
    {
        var first = new Segment(new byte[] { 1, 2 });
        var last = first.Append(new byte[] { 3 });
        var parsed = RequestReader.Read(
            new IncomingMessage { Channel = MessageChannel.Mqtt, Topic = "t", Payload = new ReadOnlySequence<byte>(first, 0, last, 1) },
            1_000,
            forDescribe: false);

        Assert.False(parsed.ImageBorrowed);
        Assert.Equal(new byte[] { 1, 2, 3 }, parsed.Image.ToArray());
    }

    [Fact]
    public void Owned_JsonImage_IsTheSameRequest()
    {
        var parsed = Read("{\"Image\":\"AQID\"}"u8.ToArray());

        Assert.False(parsed.ImageBorrowed);
        Assert.Same(parsed, parsed.Owned());
    }

    [Fact]
    public void Read_RawBytesTheHeadOwns_KeptAsTheyAreWithoutACopy()
    {
        var owned = new byte[] { 0xFF, 0xD8, 0xFF, 4, 5 };

        var parsed = RequestReader.Read(
            new IncomingMessage { Channel = MessageChannel.LocalPubSub, Topic = "t", Payload = new ReadOnlySequence<byte>(owned), PayloadIsOwned = true },
            1_000_000);

        Assert.Null(parsed.Error);
        Assert.False(parsed.ImageBorrowed);
        Assert.Same(parsed, parsed.Owned());
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(parsed.Image, out var kept));
        Assert.Same(owned, kept.Array);
        Assert.Equal(owned.Length, kept.Count);
    }

    [Fact]
    public void ReleaseImage_PooledPayloadTheHeadHandedOver_GivenBackOnceThroughTheHead()
    {
        var released = 0;
        var parsed = RequestReader.Read(
            new IncomingMessage
            {
                Channel = MessageChannel.LocalPubSub,
                Topic = "t",
                Payload = new ReadOnlySequence<byte>(new byte[] { 0xFF, 0xD8, 0xFF, 4 }),
                PayloadIsOwned = true,
                ReleasePayload = () => released++,
            },
            1_000_000);

        var owned = parsed.Owned();
        owned.ReleaseImage();
        owned.ReleaseImage();

        Assert.Same(parsed, owned);
        Assert.Equal(1, released);
    }

    [Fact]
    public void Read_JsonRequestTheHeadOwns_ImageDecodedAsForAnyJsonRequest()
    {
        var parsed = RequestReader.Read(
            new IncomingMessage { Channel = MessageChannel.LocalPubSub, Topic = "t", Payload = new ReadOnlySequence<byte>("{\"RequestId\":\"r-2\",\"Image\":\"AQID\"}"u8.ToArray()), PayloadIsOwned = true },
            1_000_000);

        Assert.Equal("r-2", parsed.RequestId);
        Assert.Equal(new byte[] { 1, 2, 3 }, parsed.Image.ToArray());
    }

    [Fact]
    public void Read_JsonRequest_DecodesBase64AndKeepsIdReplyToAndModel()
    {
        var parsed = Read(Encoding.UTF8.GetBytes("  {\"RequestId\":\"r-1\",\"Image\":\"AQID\",\"ReplyTo\":\"my/replies\",\"Model\":\"pcb\"}"));

        Assert.Null(parsed.Error);
        Assert.Equal("r-1", parsed.RequestId);
        Assert.Equal("my/replies", parsed.ReplyTo);
        Assert.Equal("pcb", parsed.Model);
        Assert.Equal(new byte[] { 1, 2, 3 }, parsed.Image.ToArray());
    }

    [Fact]
    public void Read_JsonWithUtf8Bom_IsJsonNotAnImage()
    {
        var parsed = Read([0xEF, 0xBB, 0xBF, .. "{\"RequestId\":\"bom\",\"Image\":\"AQID\"}"u8]);

        Assert.Null(parsed.Error);
        Assert.Equal("bom", parsed.RequestId);
        Assert.Equal(new byte[] { 1, 2, 3 }, parsed.Image.ToArray());
    }

    [Fact]
    public void Read_ModelUserProperty_SelectsWhenJsonNamesNone()
    {
        Assert.Equal("from-property", Read([1, 2], modelProperty: "from-property").Model);
        Assert.Equal("from-json", Read("{\"Image\":\"AQ==\",\"Model\":\"from-json\"}"u8.ToArray(), modelProperty: "from-property").Model);
    }

    [Fact]
    public void Read_OverTheLimit_IsPayloadTooLargeWithoutParsing()
    {
        var parsed = Read(Encoding.UTF8.GetBytes("{\"RequestId\":\"big\",\"Image\":\"" + new string('A', 4000) + "\"}"), limit: 2048);

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
    [InlineData("{\"RequestId\":\"\\ud800\",\"Image\":\"AQ==\"}", "InvalidRequest")]
    public void Read_BadPayload_GetsItsCode(string payload, string code)
    {
        var parsed = Read(Encoding.UTF8.GetBytes(payload));

        Assert.Equal(code, parsed.Error!.Code);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Error.Message));
    }

    [Fact]
    public void Read_InvalidUtf8InTheRequestId_IsInvalidRequestNotACrash()
    {
        var parsed = Read([.. "{\"RequestId\":\""u8, 0xC3, 0x28, .. "\",\"Image\":\"AQ==\"}"u8]);

        Assert.Equal(ErrorCodes.InvalidRequest, parsed.Error!.Code);
    }

    [Fact]
    public void Read_OverlongRequestId_IsRefusedAndNotEchoed()
    {
        var id = new string('x', RequestReader.MaxRequestIdLength + 1);

        var parsed = Read(Encoding.UTF8.GetBytes($"{{\"RequestId\":\"{id}\",\"Image\":\"AQ==\"}}"));

        Assert.Equal(ErrorCodes.InvalidRequest, parsed.Error!.Code);
        Assert.Equal("fallback-id", parsed.RequestId);
        Assert.Contains("RequestId", parsed.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadBase64_SaysSoAndKeepsTheRequestId()
    {
        var parsed = Read("{\"RequestId\":\"keep-me\",\"Image\":\"not*base64\"}"u8.ToArray());

        Assert.Equal("keep-me", parsed.RequestId);
        Assert.Contains("base64", parsed.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedJson_StillRecoversTheRequestIdWhenItCameFirst()
    {
        var parsed = Read("{\"RequestId\":\"early\",\"Image\":\"AQ"u8.ToArray());

        Assert.Equal(ErrorCodes.InvalidRequest, parsed.Error!.Code);
        Assert.Equal("early", parsed.RequestId);
    }

    [Fact]
    public void Read_DescribeWithoutPayload_NeedsNoImage() =>
        Assert.Null(Read([], forDescribe: true).Error);

    [Fact]
    public void Read_DescribeJson_KeepsIdAndReplyTo()
    {
        var parsed = Read("{\"RequestId\":\"d-1\",\"ReplyTo\":\"my/describe\"}"u8.ToArray(), forDescribe: true);

        Assert.Null(parsed.Error);
        Assert.Equal(("d-1", "my/describe"), (parsed.RequestId, parsed.ReplyTo));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
