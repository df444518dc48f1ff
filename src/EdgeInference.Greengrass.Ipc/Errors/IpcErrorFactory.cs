using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.EventStream;
using EdgeInference.Greengrass.Ipc.Rpc;

namespace EdgeInference.Greengrass.Ipc;

/// <summary>Builds every client exception in one place, with messages that say what to check.</summary>
internal static class IpcErrorFactory
{
    public static IpcConnectionException CannotConnect(string socketPath, SocketException inner) =>
        new($"Cannot connect to the Greengrass nucleus IPC socket '{socketPath}' ({inner.SocketErrorCode}). " +
            "Check that the nucleus is running and that AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT is the socket path " +
            "(relative paths resolve against the working directory).", inner);

    public static IpcAccessDeniedException AccessDenied() =>
        new("The nucleus rejected the IPC connection (ConnectAck without the accepted flag): the SVCUID token is missing, " +
            "wrong, or belongs to a component that is no longer running.");

    public static IpcConnectionClosedException ClosedByPeer() =>
        new("The nucleus closed the IPC connection.");

    public static IpcConnectionClosedException ClosedByClient() =>
        new("The IPC client was disposed.");

    public static IpcConnectionClosedException ConnectionFailed(Exception inner) =>
        new($"The IPC connection failed: {inner.Message}", inner);

    public static IpcConnectionClosedException NotConnected() =>
        new("The IPC client is not connected; call ConnectAsync first.");

    public static IpcProtocolException CorruptFrame(EventStreamException inner) =>
        new($"The nucleus sent a corrupt event-stream frame: {inner.Message}", inner);

    public static IpcProtocolException Protocol(string message) => new(message);

    public static IpcProtocolException ConnectionError(RpcMessageType type, ReadOnlyMemory<byte> payload) =>
        new($"The nucleus reported a {type} and closed the connection: {PayloadText(payload)}");

    public static IpcTimeoutException Timeout(string what, TimeSpan timeout) =>
        new($"{what} did not complete within {timeout.TotalSeconds:0.###} s (GreengrassIpcOptions).");

    public static IpcStreamClosedException StreamClosedBeforeResponse(string operation) =>
        new($"The nucleus closed the {operation} stream before sending a response.");

    public static IpcProtocolException UnexpectedResponseShape(string operation, string expected, string actual) =>
        new($"{operation} expected a {expected} response but received {actual}.");

    public static IpcProtocolException UnreadableResponse(string operation, Exception inner) =>
        new($"The {operation} response could not be parsed: {inner.Message}", inner);

    public static IpcOperationException FromApplicationError(string operation, EventStreamMessage message)
    {
        var contentType = message.GetHeaderOrNull(RpcHeaders.ContentType)?.TryGetString();
        var shape = message.GetHeaderOrNull(RpcHeaders.ServiceModelType)?.TryGetString();
        if (string.Equals(contentType, "text/plain", StringComparison.OrdinalIgnoreCase))
        {
            var text = PayloadText(message.Payload);
            return new IpcOperationException(operation, shape is null ? text : ShortName(shape), text);
        }

        var payload = TryParseObject(message.Payload);
        var serviceMessage = (TryString(payload, "message") ?? TryString(payload, "_message") ?? PayloadText(message.Payload)).Trim();
        var code = shape is not null ? ShortName(shape) : TryString(payload, "_errorCode") ?? TryString(payload, "error") ?? "UnmodelledError";
        return code switch
        {
            "ServiceError" => new ServiceErrorException(operation, serviceMessage, payload),
            "UnauthorizedError" => new UnauthorizedErrorException(operation, serviceMessage, payload),
            "ResourceNotFoundError" => new ResourceNotFoundErrorException(operation, serviceMessage, payload),
            "InvalidArgumentsError" => new InvalidArgumentsErrorException(operation, serviceMessage, payload),
            "ConflictError" => new ConflictErrorException(operation, serviceMessage, payload),
            _ => new IpcOperationException(operation, code, serviceMessage, payload),
        };
    }

    private static string ShortName(string shape)
    {
        var hash = shape.LastIndexOf('#');
        return hash >= 0 ? shape[(hash + 1)..] : shape;
    }

    private static JsonObject? TryParseObject(ReadOnlyMemory<byte> payload)
    {
        try
        {
            return payload.IsEmpty ? null : JsonNode.Parse(payload.Span) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? TryString(JsonObject? payload, string name) =>
        payload?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string PayloadText(ReadOnlyMemory<byte> payload)
    {
        const int Limit = 512;
        var text = Encoding.UTF8.GetString(payload.Span[..Math.Min(payload.Length, Limit)]);
        return payload.Length > Limit ? text + "…" : text;
    }
}
