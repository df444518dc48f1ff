using System.Text;
using System.Text.Json;
using EdgeInference.Greengrass.Ipc.Model;
using Xunit;

namespace EdgeInference.Greengrass.Ipc.Tests.Model;

public sealed class Base64BlobTests
{
    [Theory]
    [InlineData("")]
    [InlineData("AA==")]
    [InlineData("AAE=")]
    [InlineData("AAEC")]
    [InlineData("aGVsbG8gd29ybGQ=")]
    [InlineData("aGVs\\u0062G8=")]
    [InlineData("aGVs bG8=")]
    public void Read_IoTCorePayload_EqualsTheSerializersOwnDecoding(string base64)
    {
        var json = Encoding.UTF8.GetBytes($$$$"""{"message":{"topicName":"t","payload":"{{{{base64}}}}"}}""");
        var expected = JsonSerializer.Deserialize<byte[]>($"\"{base64}\"");

        var message = JsonSerializer.Deserialize(json, IpcJsonContext.Default.IoTCoreMessage)!;

        Assert.Equal(expected, message.Message!.Payload);
    }

    [Fact]
    public void Read_InvalidBase64_JsonExceptionNamingTheMember()
    {
        var json = """{"binaryMessage":{"message":"a*VsbG8="}}"""u8.ToArray();

        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, IpcJsonContext.Default.SubscriptionResponseMessage));

        Assert.Equal("$.binaryMessage.message", error.Path);
    }

    [Fact]
    public void Write_Blob_SameBase64AsBefore()
    {
        var request = new PublishToIoTCoreRequest { TopicName = "t", Qos = QualityOfService.AtMostOnce, Payload = [1, 2, 3, 250] };

        var json = JsonSerializer.Serialize(request, IpcJsonContext.Default.PublishToIoTCoreRequest);

        Assert.Equal("""{"topicName":"t","qos":"0","payload":"AQID+g=="}""", json);
    }
}
