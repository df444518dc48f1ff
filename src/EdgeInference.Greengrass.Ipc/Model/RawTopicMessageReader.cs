using System.Text.Json;

namespace EdgeInference.Greengrass.Ipc.Model;

/// <summary>
/// Reads a <c>SubscriptionResponseMessage</c> event into a <see cref="RawTopicMessage"/> with one forward pass of
/// <see cref="Utf8JsonReader"/>: <c>{"binaryMessage":{"message":"&lt;base64&gt;","context":{"topic":…}}}</c> or
/// <c>{"jsonMessage":{"message":{…},"context":{"topic":…}}}</c>. Members are matched as the typed model matches them
/// (exact lowerCamelCase names, unknown ones skipped); a message that the model would refuse is refused with a
/// <see cref="JsonException"/>.
/// </summary>
internal static class RawTopicMessageReader
{
    /// <exception cref="JsonException">Not JSON, or not the event shape.</exception>
    public static RawTopicMessage Read(ReadOnlySpan<byte> payload)
    {
        try
        {
            return ReadEvent(payload);
        }
        catch (FormatException ex)
        {
            throw new JsonException("binaryMessage.message is not valid Base64.", ex);
        }
        catch (InvalidOperationException ex)
        {
            // A string that is not valid UTF-8, as the typed model reports it.
            throw new JsonException(ex.Message, ex);
        }
    }

    private static RawTopicMessage ReadEvent(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The event is not a JSON object.");
        }

        Member? json = null;
        Member? binary = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("jsonMessage"u8))
            {
                json = ReadMember(ref reader, payload, isJson: true);
            }
            else if (reader.ValueTextEquals("binaryMessage"u8))
            {
                binary = ReadMember(ref reader, payload, isJson: false);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        // Anything after the object (other than whitespace) is refused by the reader here.
        if (reader.Read())
        {
            throw new JsonException("Unexpected data after the event object.");
        }

        var topic = json?.Topic ?? binary?.Topic;
        return binary is { HasMessage: true } b ? new RawTopicMessage(b.Rented) { Topic = topic, IsJson = false, Message = b.Message }
            : json is { HasMessage: true } j ? new RawTopicMessage { Topic = topic, IsJson = true, Message = j.Message }
            : new RawTopicMessage { Topic = topic, IsJson = json is not null };
    }

    /// <summary>Reads <c>{"message": …, "context": {"topic": …}}</c>; the reader is on the member's name.</summary>
    private static Member? ReadMember(ref Utf8JsonReader reader, ReadOnlySpan<byte> payload, bool isJson)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.StartObject, isJson ? "jsonMessage" : "binaryMessage");
        var member = new Member();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                byte[]? rented = null;
                member = reader.TokenType == JsonTokenType.Null
                    ? member with { Message = default, HasMessage = false, Rented = null }
                    : member with { Message = isJson ? ReadObjectText(ref reader, payload) : ReadBlob(ref reader, out rented), HasMessage = true, Rented = rented };
            }
            else if (reader.ValueTextEquals("context"u8))
            {
                member = member with { Topic = ReadContextTopic(ref reader) };
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return member;
    }

    /// <summary>The object's text exactly as it was sent, copied out of the frame.</summary>
    private static byte[] ReadObjectText(ref Utf8JsonReader reader, ReadOnlySpan<byte> payload)
    {
        Expect(ref reader, JsonTokenType.StartObject, "jsonMessage.message");
        var start = checked((int)reader.TokenStartIndex);
        reader.Skip();
        var end = checked((int)reader.BytesConsumed);
        return payload[start..end].ToArray();
    }

    private static ReadOnlyMemory<byte> ReadBlob(ref Utf8JsonReader reader, out byte[]? rented)
    {
        Expect(ref reader, JsonTokenType.String, "binaryMessage.message");
        return Base64Blob.ReadRented(ref reader, out rented);
    }

    private static string? ReadContextTopic(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.StartObject, "context");
        string? topic = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("topic"u8))
            {
                reader.Read();
                topic = reader.TokenType switch
                {
                    JsonTokenType.Null => null,
                    JsonTokenType.String => reader.GetString(),
                    _ => throw new JsonException($"context.topic is a {reader.TokenType}, not a string."),
                };
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return topic;
    }

    /// <summary>Skips an unknown member's value; the reader is on the member's name.</summary>
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"{what} is a {reader.TokenType}, not a {type}.");
        }
    }

    private readonly record struct Member(string? Topic, ReadOnlyMemory<byte> Message, bool HasMessage, byte[]? Rented);
}
