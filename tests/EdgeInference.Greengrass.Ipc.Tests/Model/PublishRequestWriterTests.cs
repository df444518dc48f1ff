using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Ipc.Model;
using Xunit;

namespace EdgeInference.Greengrass.Ipc.Tests.Model;

public sealed class PublishRequestWriterTests
{
    [Theory]
    [InlineData("edge-inference/local/infer", 231_009)]
    [InlineData("t", 0)]
    [InlineData("sp\u00e9cial/<&>+'\"\\", 5)]
    public void Binary_AnyTopicAndMessage_SameBytesAsTheTypedRequest(string topic, int length)
    {
        var message = Enumerable.Range(0, length).Select(i => (byte)(i * 13)).ToArray();
        var typed = JsonSerializer.SerializeToUtf8Bytes(
            new PublishToTopicRequest { Topic = topic, PublishMessage = new PublishMessage { BinaryMessage = new BinaryMessage { Message = message } } },
            IpcJsonContext.Default.PublishToTopicRequest);

        using var written = PublishRequestWriter.Binary(topic, message);

        Assert.Equal(typed, written.WrittenMemory.ToArray());
    }

    [Fact]
    public void Json_ObjectText_WrittenAsItIsAndSameAsTheTypedRequest()
    {
        const string Object = """{"RequestId":"r-1","Embedding":[0.5,1E-05],"Timings":{"TotalMs":12.5}}""";

        using var written = PublishRequestWriter.Json("edge-inference/local/result", Encoding.UTF8.GetBytes(Object));

        Assert.Equal(
            $$$$"""{"topic":"edge-inference/local/result","publishMessage":{"jsonMessage":{"message":{{{{Object}}}}}}}""",
            Encoding.UTF8.GetString(written.WrittenMemory.Span));
        var typed = JsonSerializer.SerializeToUtf8Bytes(
            new PublishToTopicRequest { Topic = "edge-inference/local/result", PublishMessage = new PublishMessage { JsonMessage = new JsonMessage { Message = JsonNode.Parse(Object)!.AsObject() } } },
            IpcJsonContext.Default.PublishToTopicRequest);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(typed), JsonNode.Parse(written.WrittenMemory.Span)));
    }
}
