namespace EdgeInference.Greengrass.Ipc.Model;

/// <summary>
/// One local pub/sub message read without a document model (<see cref="GreengrassIpcClient.SubscribeToTopicRawAsync"/>):
/// a binary message's bytes, decoded from Base64 once into an array of their own, or a JSON message's UTF-8 text exactly
/// as the nucleus sent it (one copy out of the frame, never parsed into a document and written again). The receiver owns
/// <see cref="Message"/>.
/// </summary>
public sealed class RawTopicMessage
{
    /// <summary>The topic the message was published on (<c>context.topic</c>); null when the nucleus sent none.</summary>
    public string? Topic { get; init; }

    /// <summary>True for a JSON message (<see cref="Message"/> is one JSON object as UTF-8), false for a binary one.</summary>
    public bool IsJson { get; init; }

    /// <summary>The bytes of a binary message, or the JSON object's text; empty when the message member was absent or null.</summary>
    public ReadOnlyMemory<byte> Message { get; init; }
}
