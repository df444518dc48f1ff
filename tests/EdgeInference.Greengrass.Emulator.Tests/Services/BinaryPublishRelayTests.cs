using System.Text;
using System.Text.Json;
using EdgeInference.Greengrass.Emulator.Services;
using EdgeInference.Greengrass.Ipc.Model;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Services;

public sealed class BinaryPublishRelayTests
{
    [Fact]
    public void TryRead_CanonicalBinaryRequest_FindsTopicAndBase64()
    {
        var payload = """{"topic":"edge/infer","publishMessage":{"binaryMessage":{"message":"aGVsbG8="}}}"""u8;

        Assert.True(BinaryPublishRelay.TryRead(payload, out var topic, out var message));

        Assert.Equal("edge/infer", topic);
        Assert.Equal("aGVsbG8=", Encoding.UTF8.GetString(payload[message]));
    }

    [Fact]
    public void TryRead_MembersInAnotherOrder_FindsThem()
    {
        var payload = """{"publishMessage":{"binaryMessage":{"message":"eA=="}},"topic":"t"}"""u8;

        Assert.True(BinaryPublishRelay.TryRead(payload, out var topic, out var message));

        Assert.Equal(("t", "eA=="), (topic, Encoding.UTF8.GetString(payload[message])));
    }

    [Theory]
    [InlineData("""{"topic":"t","publishMessage":{"binaryMessage":{"message":"eB=="}}}""")] // unused bits set: the nucleus writes eA==
    [InlineData("""{"topic":"t","publishMessage":{"binaryMessage":{"message":"eA"}}}""")] // unpadded
    [InlineData("""{"topic":"t","publishMessage":{"binaryMessage":{"message":"e A=="}}}""")] // whitespace
    [InlineData("""{"topic":"t","publishMessage":{"binaryMessage":{"message":"\u0065A=="}}}""")] // escaped
    [InlineData("""{"topic":"t","publishMessage":{"binaryMessage":{"message":"e*=="}}}""")] // not Base64
    [InlineData("""{"topic":"t","publishMessage":{"binaryMessage":{"message":null}}}""")]
    [InlineData("""{"topic":"t","publishMessage":{"jsonMessage":{"message":{"a":1}}}}""")]
    [InlineData("""{"topic":"t","publishMessage":{"binaryMessage":{"message":"eA==","context":{"topic":"x"}}}}""")]
    [InlineData("""{"topic":"t","publishMessage":{"binaryMessage":{"message":"eA=="},"jsonMessage":{"message":{}}}}""")]
    [InlineData("""{"topic":"t","topic":"u","publishMessage":{"binaryMessage":{"message":"eA=="}}}""")]
    [InlineData("""{"topic":7,"publishMessage":{"binaryMessage":{"message":"eA=="}}}""")]
    [InlineData("""{"publishMessage":{"binaryMessage":{"message":"eA=="}}}""")]
    [InlineData("""{"topic":"t","publishMessage":{"binaryMessage":{"message":"eA=="}},"extra":1}""")]
    [InlineData("""{"topic":"t","publishMessage":{"binaryMessage":{"message":"eA=="}}} trailing""")]
    [InlineData("""{"topic":"t","publishMessage":{"binaryMessage":{"message":"eA==""")]
    [InlineData("not json")]
    [InlineData("")]
    public void TryRead_AnythingElse_IsLeftToTheTypedPath(string request) =>
        Assert.False(BinaryPublishRelay.TryRead(Encoding.UTF8.GetBytes(request), out _, out _));

    [Theory]
    [InlineData("edge-inference/local/infer")]
    [InlineData("quote\"back\\slash")]
    [InlineData("ümlaut/日本/<tag>&'+")]
    [InlineData("")]
    public void WriteEvent_AnyTopic_IsByteForByteWhatTheTypedModelWrites(string topic)
    {
        var bytes = new byte[1000];
        new Random(7).NextBytes(bytes);
        var typed = JsonSerializer.SerializeToUtf8Bytes(
            new SubscriptionResponseMessage { BinaryMessage = new BinaryMessage { Message = bytes, Context = new MessageContext { Topic = topic } } },
            IpcJsonContext.Default.SubscriptionResponseMessage);

        var (rented, length) = BinaryPublishRelay.WriteEvent(topic, Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes)));

        Assert.Equal(Encoding.UTF8.GetString(typed), Encoding.UTF8.GetString(rented, 0, length));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("eA==", true)]
    [InlineData("eHk=", true)]
    [InlineData("eHl6", true)]
    [InlineData("eB==", false)]
    [InlineData("eHl=", false)]
    [InlineData("eHk", false)]
    [InlineData("eH k", false)]
    [InlineData("eA==eA==", false)]
    public void IsCanonicalBase64_GivesBackTheSameTextOnlyWhenDecodedAndEncodedAgain(string text, bool canonical) =>
        Assert.Equal(canonical, BinaryPublishRelay.IsCanonicalBase64(Encoding.ASCII.GetBytes(text)));
}
