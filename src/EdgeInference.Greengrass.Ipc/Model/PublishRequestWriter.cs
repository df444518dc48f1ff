using System.Buffers.Text;
using System.Text.Json;
using EdgeInference.Greengrass.Ipc.Buffers;

namespace EdgeInference.Greengrass.Ipc.Model;

/// <summary>
/// Writes <c>PublishToTopicRequest</c>s straight into a pooled buffer: the same bytes the typed model serialises to, without
/// copying the message into a request object first or leaving the serialised request behind as garbage.
/// </summary>
internal static class PublishRequestWriter
{
    /// <summary><c>{"topic":…,"publishMessage":{"binaryMessage":{"message":"&lt;base64&gt;"}}}</c>.</summary>
    public static PooledBufferWriter Binary(string topic, ReadOnlySpan<byte> message)
    {
        var buffer = new PooledBufferWriter(Base64.GetMaxEncodedToUtf8Length(message.Length) + Estimate(topic));
        try
        {
            using var writer = new Utf8JsonWriter(buffer);
            Start(writer, topic, "binaryMessage"u8);
            writer.WriteBase64String("message"u8, message);
            End(writer);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary><c>{"topic":…,"publishMessage":{"jsonMessage":{"message":&lt;the object as given&gt;}}}</c>.</summary>
    /// <param name="jsonObject">One JSON object, UTF-8; the caller vouches for its validity.</param>
    public static PooledBufferWriter Json(string topic, ReadOnlySpan<byte> jsonObject)
    {
        var buffer = new PooledBufferWriter(jsonObject.Length + Estimate(topic));
        try
        {
            using var writer = new Utf8JsonWriter(buffer);
            Start(writer, topic, "jsonMessage"u8);
            writer.WritePropertyName("message"u8);
            writer.WriteRawValue(jsonObject, skipInputValidation: true);
            End(writer);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    // The member names and structure around the message (64) plus the topic, every character escaped at worst (6 bytes).
    private static int Estimate(string topic) => 64 + (topic.Length * 6);

    private static void Start(Utf8JsonWriter writer, string topic, ReadOnlySpan<byte> kind)
    {
        writer.WriteStartObject();
        writer.WriteString("topic"u8, topic);
        writer.WriteStartObject("publishMessage"u8);
        writer.WriteStartObject(kind);
    }

    private static void End(Utf8JsonWriter writer)
    {
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
