using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace EdgeInference.Greengrass.Emulator.Rpc;

/// <summary>One operation request as a handler sees it.</summary>
internal sealed class OperationContext(string componentName, ServerStream stream, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
{
    /// <summary>The authenticated caller.</summary>
    public string ComponentName { get; } = componentName;

    /// <summary>The operation name, e.g. <c>aws.greengrass#PublishToTopic</c>.</summary>
    public string Operation => Stream.Operation;

    public ServerStream Stream { get; } = stream;

    public ReadOnlyMemory<byte> Payload { get; } = payload;

    /// <summary>Cancelled when the connection closes or the emulator stops.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Deserialises the request (an empty payload counts as <c>{}</c>).</summary>
    /// <exception cref="RequestDeserializationException">Not JSON, or not the request shape.</exception>
    public T Read<T>(JsonTypeInfo<T> info)
    {
        try
        {
            return JsonSerializer.Deserialize(Payload.IsEmpty ? "{}"u8 : Payload.Span, info)
                ?? throw new JsonException("The request payload was JSON null.");
        }
        catch (JsonException ex)
        {
            throw new RequestDeserializationException(Operation, ex);
        }
    }

    /// <summary>The request as a JSON object, for checks the nucleus makes before the typed model would refuse it.</summary>
    /// <exception cref="RequestDeserializationException">Not a JSON object.</exception>
    public JsonObject ReadObject()
    {
        try
        {
            return JsonNode.Parse(Payload.IsEmpty ? "{}"u8 : Payload.Span) as JsonObject
                ?? throw new JsonException("The request is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new RequestDeserializationException(Operation, ex);
        }
    }

    /// <summary>A member's text as the nucleus's deserialiser sees it: a string as is, a number as its digits, absent or null as null.</summary>
    public static string? Text(JsonObject request, string member) => request[member] switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value when value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
        _ => null,
    };
}

/// <summary>What connections need from the nucleus: token lookup, operation dispatch and call records.</summary>
internal interface IIpcServiceHost
{
    /// <summary>The component owning <paramref name="authToken"/>, or null when the token is unknown.</summary>
    string? Authenticate(string authToken);

    /// <summary>Runs the operation; throws <see cref="ModelledErrorException"/>, <see cref="RequestDeserializationException"/> or <see cref="UnsupportedOperationException"/>.</summary>
    Task HandleAsync(OperationContext context);

    /// <summary>Records a call as it arrives (so <c>Calls</c> is in arrival order); returns its index for <see cref="RecordCallAnswered"/>.</summary>
    int RecordCallStarted(string componentName, string operation);

    /// <summary>Records how call <paramref name="call"/> was answered (null: success).</summary>
    void RecordCallAnswered(int call, string? errorCode);
}

/// <summary>The operation is not in the Greengrass service model.</summary>
internal sealed class UnsupportedOperationException(string operation)
    : Exception($"{operation} is an unsupported operation.");
