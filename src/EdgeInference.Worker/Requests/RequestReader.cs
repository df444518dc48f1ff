using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeInference.Core.Results;

namespace EdgeInference.Worker.Requests;

/// <summary>
/// The one reader of requests, for every head and every kind of request: raw image bytes, or
/// <c>{"RequestId": "...", "Image": "&lt;base64&gt;", "ReplyTo": "...", "Model": "..."}</c> (a UTF-8 BOM is allowed),
/// with the MQTT 5 user properties <c>RequestId</c> and <c>Model</c> as fallbacks. The size limit is checked before a
/// byte is parsed; raw image bytes stay a view of the transport's buffer (<see cref="ParsedRequest.ImageBorrowed"/>) until
/// the request is accepted (<see cref="ParsedRequest.Owned"/>), unless the head handed the payload over
/// (<see cref="IncomingMessage.PayloadIsOwned"/>: then they are the image as they are); every refusal carries a contract
/// error code.
/// </summary>
public static class RequestReader
{
    /// <summary>The longest RequestId echoed (longer ones are refused: they are echoed in replies and logs).</summary>
    public const int MaxRequestIdLength = 256;

    /// <param name="forDescribe">A describe request: no image is needed, only its id and reply address.</param>
    public static ParsedRequest Read(IncomingMessage message, long maxPayloadBytes, bool forDescribe = false)
    {
        var fallbackId = message.RequestIdProperty is { } property && IsUsableRequestId(property) ? property : Guid.NewGuid().ToString("N");
        var payload = message.Payload;
        if (payload.Length > maxPayloadBytes)
        {
            return Fail(fallbackId, ErrorCodes.PayloadTooLarge, $"The payload is {payload.Length:N0} bytes, over the limit of {maxPayloadBytes:N0} (Limits:MaxPayloadBytes).", message.ModelProperty);
        }

        if (message.RequestIdProperty is { } tooLong && !IsUsableRequestId(tooLong))
        {
            return Fail(fallbackId, ErrorCodes.InvalidRequest, RequestIdProblem(tooLong), message.ModelProperty);
        }

        if (payload.IsEmpty)
        {
            return forDescribe
                ? new ParsedRequest { RequestId = fallbackId, Model = message.ModelProperty }
                : Fail(fallbackId, ErrorCodes.InvalidImage, "The payload is empty (0 bytes): send image bytes or a JSON request.", message.ModelProperty);
        }

        // Requests are bounded by MaxPayloadBytes, so a contiguous copy is bounded too.
        var gathered = payload.IsSingleSegment ? null : payload.ToArray();
        var bytes = gathered is null ? payload.First.Span : gathered;
        var json = WithoutBom(bytes);
        if (LooksLikeJson(json))
        {
            return ReadJson(json, fallbackId, message.ModelProperty, forDescribe);
        }

        // A payload the head handed over is the image as it is; a transport's buffer is borrowed until accepted.
        return forDescribe
            ? new ParsedRequest { RequestId = fallbackId, Model = message.ModelProperty }
            : gathered is null
                ? new ParsedRequest
                {
                    RequestId = fallbackId,
                    Image = payload.First,
                    ImageBorrowed = !message.PayloadIsOwned,
                    ImageRelease = message.PayloadIsOwned ? message.ReleasePayload : null,
                    Model = message.ModelProperty,
                }
                : new ParsedRequest { RequestId = fallbackId, Image = gathered, Model = message.ModelProperty };
    }

    private static ParsedRequest ReadJson(ReadOnlySpan<byte> json, string fallbackId, string? modelProperty, bool forDescribe)
    {
        JsonRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(json, RequestJsonContext.Default.JsonRequest);
        }
        catch (JsonException ex) when (ex.Path == "$.Image")
        {
            return Fail(TryReadRequestId(json) ?? fallbackId, ErrorCodes.InvalidRequest, "Image is not valid base64.", modelProperty);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // InvalidOperationException/ArgumentException: a string that is not valid UTF-16 (a lone surrogate escape).
            return Fail(TryReadRequestId(json) ?? fallbackId, ErrorCodes.InvalidRequest, $"The request is not valid JSON: {FirstLine(ex.Message)}", modelProperty);
        }

        if (request is null)
        {
            return Fail(fallbackId, ErrorCodes.InvalidRequest, "The request is JSON null; send an object.", modelProperty);
        }

        var model = string.IsNullOrEmpty(request.Model) ? modelProperty : request.Model;
        if (!string.IsNullOrEmpty(request.RequestId) && !IsUsableRequestId(request.RequestId))
        {
            return Fail(fallbackId, ErrorCodes.InvalidRequest, RequestIdProblem(request.RequestId), model);
        }

        var requestId = string.IsNullOrEmpty(request.RequestId) ? fallbackId : request.RequestId;
        if (forDescribe)
        {
            return new ParsedRequest { RequestId = requestId, ReplyTo = request.ReplyTo, Model = model };
        }

        if (request.Image is not { Length: > 0 } image)
        {
            return Fail(requestId, ErrorCodes.InvalidRequest, "The JSON request has no Image (base64 image bytes).", model) with { ReplyTo = request.ReplyTo };
        }

        return new ParsedRequest { RequestId = requestId, Image = image, ReplyTo = request.ReplyTo, Model = model };
    }

    private static bool IsUsableRequestId(string id) => id.Length <= MaxRequestIdLength;

    private static string RequestIdProblem(string id) =>
        $"RequestId is {id.Length:N0} characters; at most {MaxRequestIdLength} are accepted.";

    private static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes;

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
                    var id = reader.GetString();
                    return id is not null && IsUsableRequestId(id) ? id : null;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // The id comes before the damage or not at all.
        }

        return null;
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }

    private static ParsedRequest Fail(string requestId, string code, string message, string? model) =>
        new() { RequestId = requestId, Model = model, Error = new ErrorDetail { Code = code, Message = message } };
}

internal sealed record JsonRequest
{
    public string? RequestId { get; init; }
    public byte[]? Image { get; init; }
    public string? ReplyTo { get; init; }
    public string? Model { get; init; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, AllowTrailingCommas = true)]
[JsonSerializable(typeof(JsonRequest))]
internal sealed partial class RequestJsonContext : JsonSerializerContext;
