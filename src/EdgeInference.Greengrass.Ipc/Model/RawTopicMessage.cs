namespace EdgeInference.Greengrass.Ipc.Model;

/// <summary>
/// One local pub/sub message read without a document model (<see cref="GreengrassIpcClient.SubscribeToTopicRawAsync"/>):
/// a binary message's bytes, decoded from Base64 once into a pooled array, or a JSON message's UTF-8 text exactly as
/// the nucleus sent it (one copy out of the frame, never parsed into a document and written again). The receiver owns
/// <see cref="Message"/>; a receiver done with it may <see cref="Release"/> it, so the next message reuses the memory.
/// </summary>
public sealed class RawTopicMessage
{
    private byte[]? _rented;

    /// <summary>A message whose bytes lie in their own memory (nothing to give back).</summary>
    public RawTopicMessage()
    {
    }

    /// <summary>A message whose bytes lie in <paramref name="rented"/>, from <see cref="System.Buffers.ArrayPool{T}.Shared"/>.</summary>
    internal RawTopicMessage(byte[]? rented)
    {
        _rented = rented;
    }

    /// <summary>The topic the message was published on (<c>context.topic</c>); null when the nucleus sent none.</summary>
    public string? Topic { get; init; }

    /// <summary>True for a JSON message (<see cref="Message"/> is one JSON object as UTF-8), false for a binary one.</summary>
    public bool IsJson { get; init; }

    /// <summary>The bytes of a binary message, or the JSON object's text; empty when the message member was absent or null.</summary>
    public ReadOnlyMemory<byte> Message { get; init; }

    /// <summary>True while <see cref="Message"/> lies in a pooled array not yet given back.</summary>
    internal bool IsPooled => Volatile.Read(ref _rented) is not null;

    /// <summary>
    /// Gives a binary message's pooled array back (once; later calls, and messages without one, do nothing).
    /// <see cref="Message"/> must not be read afterwards. A message never released is collected like any other array.
    /// </summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
