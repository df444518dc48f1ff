using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Ipc.Model;
using Xunit;

namespace EdgeInference.Greengrass.Ipc.Tests.Model;

public sealed class RawTopicMessageReaderTests
{
    private static RawTopicMessage Read(string json) => RawTopicMessageReader.Read(Encoding.UTF8.GetBytes(json));

    private static SubscriptionResponseMessage Typed(string json) =>
        JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(json), IpcJsonContext.Default.SubscriptionResponseMessage)!;

    /// <summary>What the worker used to hand its reader: the binary bytes, or the JSON document serialised again.</summary>
    private static byte[] OldPayload(SubscriptionResponseMessage typed) =>
        typed.BinaryMessage?.Message
        ?? (typed.JsonMessage?.Message is { } json ? JsonSerializer.SerializeToUtf8Bytes(json, IpcJsonContext.Default.JsonObject) : []);

    public static TheoryData<int> Lengths => [0, 1, 2, 3, 4, 5, 57, 1000, 231_009];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Read_BinaryMessage_BytesEqualTheTypedModels(int length)
    {
        var bytes = Enumerable.Range(0, length).Select(i => (byte)((i * 31) ^ (i >> 3))).ToArray();
        var json = $$$$"""{"binaryMessage":{"message":"{{{{Convert.ToBase64String(bytes)}}}}","context":{"topic":"edge-inference/local/infer"}}}""";

        var raw = Read(json);

        Assert.False(raw.IsJson);
        Assert.Equal("edge-inference/local/infer", raw.Topic);
        Assert.Equal(bytes, raw.Message.ToArray());
        Assert.Equal(OldPayload(Typed(json)), raw.Message.ToArray());
    }

    [Fact]
    public void Read_JsonMessage_TextIsByteExactAndMeansWhatTheDocumentMeant()
    {
        const string Message = """{ "RequestId" : "cam1-000042", "Image":"AQID", "ReplyTo":"my/replies", "n":[1, 2.50, {"deep":null}], "s":"\u00e9\/" }""";
        var json = $$$$"""{"jsonMessage":{"context":{"topic":"t/1"},"message":{{{{Message}}}}}}""";

        var raw = Read(json);

        Assert.True(raw.IsJson);
        Assert.Equal("t/1", raw.Topic);
        Assert.Equal(Message, Encoding.UTF8.GetString(raw.Message.Span));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(OldPayload(Typed(json))), JsonNode.Parse(raw.Message.Span)));
    }

    [Fact]
    public void Read_EscapedBase64_DecodesLikeTheTypedModel()
    {
        const string Json = """{"binaryMessage":{"message":"aGVsbG8\u003d","context":{"topic":"t"}}}""";

        var raw = Read(Json);

        Assert.Equal("hello"u8.ToArray(), raw.Message.ToArray());
        Assert.Equal(OldPayload(Typed(Json)), raw.Message.ToArray());
    }

    [Theory]
    [InlineData("""{"binaryMessage":{"message":"aGVsbG8","context":{"topic":"t"}}}""")]
    [InlineData("""{"binaryMessage":{"message":"a*VsbG8=","context":{"topic":"t"}}}""")]
    [InlineData("""{"binaryMessage":{"message":12,"context":{"topic":"t"}}}""")]
    [InlineData("""{"jsonMessage":{"message":[1,2],"context":{"topic":"t"}}}""")]
    [InlineData("""{"jsonMessage":{"message":"text","context":{"topic":"t"}}}""")]
    [InlineData("""{"jsonMessage":{"message":{"a":1},"context":{"topic":7}}}""")]
    [InlineData("""{"jsonMessage":{"message":{"a":1}""")]
    [InlineData("""{"jsonMessage":{"message":{"a":1}}} trailing""")]
    [InlineData("""not json""")]
    [InlineData("""[]""")]
    public void Read_WhatTheTypedModelRefuses_ThrowsJsonException(string json)
    {
        Assert.ThrowsAny<JsonException>(() => Typed(json));
        Assert.ThrowsAny<JsonException>(() => Read(json));
    }

    [Theory]
    [InlineData("""{"binaryMessage":{"message":null,"context":{"topic":"t"}}}""", false)]
    [InlineData("""{"jsonMessage":{"message":null,"context":{"topic":"t"}}}""", true)]
    [InlineData("""{"jsonMessage":{"context":{"topic":"t"}}}""", true)]
    public void Read_NullOrAbsentMessage_EmptyPayloadAsBefore(string json, bool isJson)
    {
        var raw = Read(json);

        Assert.Equal("t", raw.Topic);
        Assert.Equal(isJson, raw.IsJson);
        Assert.True(raw.Message.IsEmpty);
        Assert.Empty(OldPayload(Typed(json)));
    }

    [Fact]
    public void Read_UnknownMembersAndNoContext_SkippedAndTopicNull()
    {
        var raw = Read("""{"extra":{"a":[1,{"b":2}]},"binaryMessage":{"unknown":"x","message":"AA=="},"more":true}""");

        Assert.Null(raw.Topic);
        Assert.Null(Typed("""{"binaryMessage":{"message":"AA=="}}""").Topic);
        Assert.Equal(new byte[] { 0 }, raw.Message.ToArray());
    }

    [Fact]
    public void Read_MessageKept_IsACopyNotTheFrame()
    {
        var frame = Encoding.UTF8.GetBytes("""{"jsonMessage":{"message":{"a":1},"context":{"topic":"t"}}}""");

        var raw = RawTopicMessageReader.Read(frame);
        frame.AsSpan().Clear();

        Assert.Equal("""{"a":1}""", Encoding.UTF8.GetString(raw.Message.Span));
    }

    [Fact]
    public void Release_BinaryMessage_GivesItsPooledArrayBackOnce()
    {
        var raw = Read("""{"binaryMessage":{"message":"AQIDBAU=","context":{"topic":"t"}}}""");
        Assert.True(raw.IsPooled);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(raw.Message, out var segment));
        Assert.Equal(5, segment.Count);

        raw.Release();
        raw.Release();

        // Given back exactly once: the pool hands that array out next (a second return would hand it out twice).
        Assert.False(raw.IsPooled);
        var first = System.Buffers.ArrayPool<byte>.Shared.Rent(5);
        var second = System.Buffers.ArrayPool<byte>.Shared.Rent(5);
        Assert.Same(segment.Array, first);
        Assert.NotSame(first, second);
    }

    [Theory]
    [InlineData("""{"jsonMessage":{"message":{"a":1}}}""")]
    [InlineData("""{"binaryMessage":{"message":"\u0041A=="}}""")] // escaped: the serializer's own array
    public void Release_MessageInItsOwnArray_DoesNothing(string json)
    {
        var raw = Read(json);

        Assert.False(raw.IsPooled);
        raw.Release();
        Assert.NotEmpty(raw.Message.ToArray());
    }
}
