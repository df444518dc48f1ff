using System.Buffers;

namespace EdgeInference.EventStream;

/// <summary>Size limits applied while decoding (and encoding) event-stream messages.</summary>
public sealed class EventStreamOptions
{
    /// <summary>The 16 MiB message limit the Greengrass nucleus enforced from 2020 to early 2025 (newer aws-c-event-stream: 24 MiB).</summary>
    public const int DefaultMaxMessageSize = 16 * 1024 * 1024;

    /// <summary>The 128 KiB headers-block limit of aws-c-event-stream (2020–2025).</summary>
    public const int DefaultMaxHeadersLength = 128 * 1024;

    /// <summary>The aws-c-event-stream decoder's guard on header count.</summary>
    public const int DefaultMaxHeaderCount = 1024;

    /// <summary>Shared instance with the defaults; treat as read-only.</summary>
    public static EventStreamOptions Default { get; } = new();

    /// <summary>Largest whole message (prelude, headers, payload and CRC) accepted, in bytes. At least 16.</summary>
    /// <value>Defaults to <see cref="DefaultMaxMessageSize"/>.</value>
    public int MaxMessageSize { get; init; } = DefaultMaxMessageSize;

    /// <summary>Largest headers block accepted, in bytes.</summary>
    /// <value>Defaults to <see cref="DefaultMaxHeadersLength"/>.</value>
    public int MaxHeadersLength { get; init; } = DefaultMaxHeadersLength;

    /// <summary>Most headers accepted in one message.</summary>
    /// <value>Defaults to <see cref="DefaultMaxHeaderCount"/>.</value>
    public int MaxHeaderCount { get; init; } = DefaultMaxHeaderCount;

    /// <summary>
    /// Where decoded frames get their buffers. <see langword="null"/> (the default): each message owns a new array.
    /// Set: each frame is rented from this pool and goes back when its consumer calls
    /// <see cref="EventStreamMessage.Release"/> (a message never released is collected as usual). Only for readers whose
    /// every consumer copies out what it keeps before releasing.
    /// </summary>
    public ArrayPool<byte>? FramePool { get; init; }

    internal void Validate()
    {
        if (MaxMessageSize < EventStreamCodec.MinimumMessageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), MaxMessageSize, "Must be at least 16 bytes.");
        }

        if (MaxHeadersLength < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxHeadersLength), MaxHeadersLength, "Must not be negative.");
        }

        if (MaxHeaderCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxHeaderCount), MaxHeaderCount, "Must not be negative.");
        }
    }
}
