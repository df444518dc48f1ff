using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeInference.Core.Results;

namespace EdgeInference.Worker.Requests;

/// <summary>
/// Reads a request payload: raw image bytes, or <c>{"RequestId": "...", "Image": "&lt;base64&gt;", "ReplyTo": "..."}</c>.
/// The size limit is checked before anything is parsed; every refusal carries a contract error code.
/// </summary>
public static class RequestParser
{
    public static ParsedRequest Parse(ReadOnlySequence<byte> payload, long maxPayloadBytes, string fallbackRequestId)
    {
        if (payload.Length > maxPayloadBytes)
        {
            return Fail(fallbackRequestId, ErrorCodes.PayloadTooLarge, $"The payload is {payload.Length:N0} bytes, over the limit of {maxPayloadBytes:N0} (Limits:MaxPayloadBytes).");
        }

        if (payload.IsEmpty)
        {
            return Fail(fallbackRequestId, ErrorCodes.InvalidImage, "The payload is empty (0 bytes): send image bytes or a JSON request.");
        }

        var bytes = payload.IsSingleSegment ? payload.First : payload.ToArray();
        return LooksLikeJson(bytes.Span) ? ParseJson(bytes.Span, fallbackRequestId) : new ParsedRequest { RequestId = fallbackRequestId, Image = bytes };
    }

    private static bool LooksLikeJson(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            return b == (byte)'{';
        }

        return false;
    }

    private static ParsedRequest ParseJson(ReadOnlySpan<byte> json, string fallbackRequestId)
    {
        JsonRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(json, RequestJsonContext.Default.JsonRequest);
        }
        catch (JsonException ex) when (ex.Path == "$.Image")
        {
            return Fail(TryReadRequestId(json) ?? fallbackRequestId, ErrorCodes.InvalidRequest, "Image is not valid base64.");
        }
        catch (JsonException ex)
        {
            return Fail(TryReadRequestId(json) ?? fallbackRequestId, ErrorCodes.InvalidRequest, $"The request is not valid JSON: {ex.Message}");
        }

        var requestId = string.IsNullOrEmpty(request?.RequestId) ? fallbackRequestId : request.RequestId;
        if (request?.Image is not { Length: > 0 } image)
        {
            return Fail(requestId, ErrorCodes.InvalidRequest, "The JSON request has no Image (base64 image bytes).");
        }

        return new ParsedRequest { RequestId = requestId, Image = image, ReplyTo = request.ReplyTo };
    }

    /// <summary>Best effort, so that even a broken request's error carries its id.</summary>
    private static string? TryReadRequestId(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true });
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("RequestId"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }
            }
        }
        catch (JsonException)
        {
            // The id comes before the damage or not at all.
        }

        return null;
    }

    private static ParsedRequest Fail(string requestId, string code, string message) =>
        new() { RequestId = requestId, Error = new ErrorDetail { Code = code, Message = message } };
}

internal sealed record JsonRequest
{
    public string? RequestId { get; init; }
    public byte[]? Image { get; init; }
    public string? ReplyTo { get; init; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, AllowTrailingCommas = true)]
[JsonSerializable(typeof(JsonRequest))]
internal sealed partial class RequestJsonContext : JsonSerializerContext;
