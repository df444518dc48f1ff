using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using EdgeInference.Greengrass.Ipc.Model;

namespace EdgeInference.Greengrass.Emulator.Services;

/// <summary>
/// PublishToTopic's common case, a binary message, relayed without decoding its Base64 and encoding it again:
/// <c>{"topic":"…","publishMessage":{"binaryMessage":{"message":"&lt;base64&gt;"}}}</c> becomes the subscribers' event
/// <c>{"binaryMessage":{"message":"&lt;the same base64&gt;","context":{"topic":"…"}}}</c>, written into one pooled array.
/// The event is byte for byte what the typed model writes (the nucleus decodes and encodes again, so only canonical
/// Base64 is relayed as it is). Anything else, unusual or wrong, is left to the typed path and its errors.
/// </summary>
internal static class BinaryPublishRelay
{
    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\r\n"u8);

    /// <summary>Reads a request of exactly that shape whose Base64 is canonical.</summary>
    /// <param name="message">Where the Base64 text (without quotes) lies in <paramref name="payload"/>.</param>
    /// <returns>False for any other request: the caller takes the typed path.</returns>
    public static bool TryRead(ReadOnlySpan<byte> payload, out string topic, out Range message)
    {
        topic = "";
        message = default;
        try
        {
            var reader = new Utf8JsonReader(payload);
            string? readTopic = null;
            Range? readMessage = null;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("topic"u8) && readTopic is null)
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    readTopic = reader.GetString();
                }
                else if (reader.ValueTextEquals("publishMessage"u8) && readMessage is null)
                {
                    readMessage = ReadPublishMessage(ref reader);
                    if (readMessage is null)
                    {
                        return false;
                    }
                }
                else
                {
                    return false;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || readTopic is null || readMessage is not { } found)
            {
                return false;
            }

            topic = readTopic;
            message = found;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The subscribers' event for <paramref name="base64"/> on <paramref name="topic"/>, in an array rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
    /// <returns>The array (give it back once sent) and the event's length in it.</returns>
    public static (byte[] Rented, int Length) WriteEvent(string topic, ReadOnlySpan<byte> base64)
    {
        // Escaped as the typed model's serializer escapes it.
        var encodedTopic = JsonEncodedText.Encode(topic, IpcJsonContext.Default.Options.Encoder).EncodedUtf8Bytes;
        ReadOnlySpan<byte> head = "{\"binaryMessage\":{\"message\":\""u8;
        ReadOnlySpan<byte> middle = "\",\"context\":{\"topic\":\""u8;
        ReadOnlySpan<byte> tail = "\"}}}"u8;
        var length = head.Length + base64.Length + middle.Length + encodedTopic.Length + tail.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        var rest = rented.AsSpan();
        Append(ref rest, head);
        Append(ref rest, base64);
        Append(ref rest, middle);
        Append(ref rest, encodedTopic);
        Append(ref rest, tail);
        return (rented, length);

        static void Append(ref Span<byte> rest, ReadOnlySpan<byte> part)
        {
            part.CopyTo(rest);
            rest = rest[part.Length..];
        }
    }

    /// <summary>Reads <c>{"binaryMessage":{"message":"…"}}</c>; the reader is on the member's name.</summary>
    private static Range? ReadPublishMessage(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject
            || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("binaryMessage"u8)
            || !reader.Read() || reader.TokenType != JsonTokenType.StartObject
            || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("message"u8)
            || !reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return null;
        }

        var start = checked((int)reader.TokenStartIndex) + 1;
        var text = reader.ValueSpan;
        if (!IsCanonicalBase64(text)
            || !reader.Read() || reader.TokenType != JsonTokenType.EndObject
            || !reader.Read() || reader.TokenType != JsonTokenType.EndObject)
        {
            return null;
        }

        return start..(start + text.Length);
    }

    /// <summary>Base64 that decoding and encoding again gives back unchanged: padded, no whitespace, unused bits zero.</summary>
    internal static bool IsCanonicalBase64(ReadOnlySpan<byte> text)
    {
        if (text.Length % 4 != 0 || text.IndexOfAny(Whitespace) >= 0 || !Base64.IsValid(text))
        {
            return false;
        }

        if (text.IsEmpty)
        {
            return true;
        }

        Span<byte> bytes = stackalloc byte[3];
        Span<byte> again = stackalloc byte[4];
        var last = text[^4..];
        return Base64.DecodeFromUtf8(last, bytes, out _, out var written) == OperationStatus.Done
            && Base64.EncodeToUtf8(bytes[..written], again, out _, out _) == OperationStatus.Done
            && again.SequenceEqual(last);
    }
}
