using EdgeInference.EventStream;

namespace EdgeInference.Greengrass.Ipc.Rpc;

/// <summary>Event-stream RPC header names and message builders (protocol version 0.1.0).</summary>
public static class RpcHeaders
{
    /// <summary>int32 <see cref="RpcMessageType"/>.</summary>
    public const string MessageType = ":message-type";

    /// <summary>int32 <see cref="RpcMessageFlags"/>.</summary>
    public const string MessageFlags = ":message-flags";

    /// <summary>int32 stream id; 0 for connection-level messages.</summary>
    public const string StreamId = ":stream-id";

    /// <summary>string protocol version, CONNECT only.</summary>
    public const string Version = ":version";

    /// <summary>string payload content type.</summary>
    public const string ContentType = ":content-type";

    /// <summary>string fully-qualified shape name of the payload.</summary>
    public const string ServiceModelType = "service-model-type";

    /// <summary>string operation name on the first message of a stream.</summary>
    public const string Operation = "operation";

    /// <summary>The only protocol version the nucleus accepts.</summary>
    public const string ProtocolVersion = "0.1.0";

    /// <summary>Content type of modelled JSON payloads.</summary>
    public const string JsonContentType = "application/json";

    /// <summary>Builds a message with the three mandatory int32 headers after <paramref name="extraHeaders"/>.</summary>
    public static EventStreamMessage Build(
        RpcMessageType type,
        RpcMessageFlags flags,
        int streamId,
        ReadOnlyMemory<byte> payload = default,
        params EventStreamHeader[] extraHeaders)
    {
        EventStreamHeader[] headers =
        [
            .. extraHeaders,
            new(MessageType, HeaderValue.FromInt32((int)type)),
            new(MessageFlags, HeaderValue.FromInt32((int)flags)),
            new(StreamId, HeaderValue.FromInt32(streamId)),
        ];
        return new EventStreamMessage(headers, payload);
    }

    /// <summary>Reads the three mandatory headers.</summary>
    /// <returns><see langword="false"/> when any is missing or not an int32.</returns>
    public static bool TryReadMetadata(EventStreamMessage message, out RpcMessageType type, out RpcMessageFlags flags, out int streamId)
    {
        var typeValue = message.GetHeaderOrNull(MessageType)?.TryGetInt32();
        var flagsValue = message.GetHeaderOrNull(MessageFlags)?.TryGetInt32();
        var streamValue = message.GetHeaderOrNull(StreamId)?.TryGetInt32();
        type = (RpcMessageType)(typeValue ?? -1);
        flags = (RpcMessageFlags)(flagsValue ?? 0);
        streamId = streamValue ?? -1;
        return typeValue.HasValue && flagsValue.HasValue && streamValue.HasValue;
    }
}
