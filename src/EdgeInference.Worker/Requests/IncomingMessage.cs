using System.Buffers;

namespace EdgeInference.Worker.Requests;

/// <summary>Where a message arrived, so its reply leaves the same way.</summary>
public enum MessageChannel
{
    /// <summary>The MQTT head's broker.</summary>
    Mqtt,

    /// <summary>Greengrass local pub/sub.</summary>
    LocalPubSub,

    /// <summary>AWS IoT Core through the Greengrass nucleus.</summary>
    IoTCore,
}

/// <summary>
/// One message a head received, transport details included. <see cref="Payload"/> may be the transport's own buffer:
/// it is valid only until the dispatcher's first await (what the reader keeps is copied once the request is accepted),
/// unless <see cref="PayloadIsOwned"/>.
/// </summary>
public sealed record IncomingMessage
{
    public required MessageChannel Channel { get; init; }

    public required string Topic { get; init; }

    public required ReadOnlySequence<byte> Payload { get; init; }

    /// <summary>
    /// True when <see cref="Payload"/> is memory the head hands over for good (nothing else holds, reuses or changes it,
    /// e.g. an array decoded from the message for this request alone): the reader then keeps an image as it is, never
    /// borrowed, so accepting the request copies nothing.
    /// </summary>
    public bool PayloadIsOwned { get; init; }

    /// <summary>
    /// With <see cref="PayloadIsOwned"/>, when the payload lies in pooled memory: gives it back. The request that keeps
    /// the payload as its image calls it once the image is decoded; a payload nobody keeps is simply collected.
    /// </summary>
    public Action? ReleasePayload { get; init; }

    /// <summary>MQTT 5 response topic.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>MQTT 5 correlation data, echoed on the reply.</summary>
    public byte[]? CorrelationData { get; init; }

    /// <summary>The MQTT 5 user property <c>RequestId</c>.</summary>
    public string? RequestIdProperty { get; init; }

    /// <summary>The MQTT 5 user property <c>Model</c>.</summary>
    public string? ModelProperty { get; init; }
}

/// <summary>A reply to send: where, on which channel, with which correlation data.</summary>
public sealed record OutgoingReply(MessageChannel Channel, string Topic, byte[]? CorrelationData, ReadOnlyMemory<byte> Json)
{
    /// <summary>The request the reply answers.</summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// Set when <see cref="Topic"/> is the requester's choice: the worker's own reply topic, where a head says why when
    /// the transport refuses the chosen one (e.g. Greengrass accessControl does not allow it).
    /// </summary>
    public string? FallbackTopic { get; init; }
}

/// <summary>Sends replies on a head's transport.</summary>
public interface IReplySender
{
    /// <summary>Publishes <paramref name="reply"/> (or keeps it to publish after a reconnect); false when it is lost (the sender logs why).</summary>
    Task<bool> SendAsync(OutgoingReply reply, CancellationToken cancellationToken = default);
}
