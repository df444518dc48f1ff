using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeInference.Greengrass.Ipc.Model;

/// <summary>
/// Blobs (Base64 in a JSON string) decoded in one pass into an array of exactly their size. The serializer's own
/// <c>byte[]</c> reading decodes into a rented buffer, copies that into a new array and clears the rented one: three
/// passes over a 230 KB image instead of one.
/// </summary>
internal static class Base64Blob
{
    /// <summary>Decodes the current string token; the serializer's reading for anything unusual (escapes, whitespace).</summary>
    /// <exception cref="FormatException">Not valid Base64.</exception>
    public static byte[] Read(ref Utf8JsonReader reader) =>
        TryDecode(ref reader, rent: false, out var bytes, out _) ? bytes : reader.GetBytesFromBase64();

    /// <summary>
    /// Decodes the current string token into an array rented from <see cref="ArrayPool{T}.Shared"/> (<paramref name="rented"/>;
    /// the caller gives it back), or, for anything unusual, into an array of its own (<paramref name="rented"/> null).
    /// </summary>
    /// <exception cref="FormatException">Not valid Base64.</exception>
    public static ReadOnlyMemory<byte> ReadRented(ref Utf8JsonReader reader, out byte[]? rented)
    {
        if (TryDecode(ref reader, rent: true, out var bytes, out var length))
        {
            rented = bytes;
            return bytes.AsMemory(0, length);
        }

        rented = null;
        return reader.GetBytesFromBase64();
    }

    /// <summary>One pass into a rented array or one of exactly the size, for plain padded Base64; false leaves it to the serializer.</summary>
    private static bool TryDecode(ref Utf8JsonReader reader, bool rent, out byte[] bytes, out int length)
    {
        bytes = [];
        length = 0;
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return false;
        }

        var text = reader.ValueSpan;
        if (text.Length % 4 != 0)
        {
            return false;
        }

        var padding = text.Length == 0 ? 0 : text[^1] != (byte)'=' ? 0 : text[^2] == (byte)'=' ? 2 : 1;
        length = (text.Length / 4 * 3) - padding;
        var decoded = rent ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);
        var status = Base64.DecodeFromUtf8(text, decoded, out var consumed, out var written);
        if (status != OperationStatus.Done || consumed != text.Length || written != length)
        {
            // Invalid, or valid only with whitespace removed: the serializer decides, with its own message.
            if (rent)
            {
                ArrayPool<byte>.Shared.Return(decoded);
            }

            return false;
        }

        bytes = decoded;
        return true;
    }
}

/// <summary>Reads <c>byte[]</c> blob members with <see cref="Base64Blob"/>; writes them as the serializer does.</summary>
internal sealed class Base64BlobConverter : JsonConverter<byte[]>
{
    public override bool HandleNull => false;

    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a Base64 string, found {reader.TokenType}.");
        }

        return Base64Blob.Read(ref reader);
    }

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) =>
        writer.WriteBase64StringValue(value);
}
