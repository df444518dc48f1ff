namespace EdgeInference.Greengrass.Ipc.Rpc;

/// <summary>Values of the <c>:message-type</c> header (aws-c-event-stream <c>event_stream_rpc.h</c>).</summary>
public enum RpcMessageType
{
    /// <summary>Operation request, response or stream event (stream-id &gt; 0).</summary>
    ApplicationMessage = 0,

    /// <summary>Operation error (stream-id &gt; 0).</summary>
    ApplicationError = 1,

    /// <summary>Connection-level ping.</summary>
    Ping = 2,

    /// <summary>Answer to a ping.</summary>
    PingResponse = 3,

    /// <summary>Client handshake, first message.</summary>
    Connect = 4,

    /// <summary>Server handshake answer.</summary>
    ConnectAck = 5,

    /// <summary>Protocol violation; the connection closes.</summary>
    ProtocolError = 6,

    /// <summary>Internal error; the connection closes.</summary>
    InternalError = 7,
}

/// <summary>Bits of the <c>:message-flags</c> header.</summary>
[Flags]
public enum RpcMessageFlags
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>On ConnectAck: the connection was accepted.</summary>
    ConnectionAccepted = 1,

    /// <summary>On application messages/errors: the last message of the stream in this direction.</summary>
    TerminateStream = 2,
}
