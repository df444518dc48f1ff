using System.Buffers;
using EdgeInference.Core.Results;

namespace EdgeInference.Worker.Requests;

/// <summary>A request payload made sense of: the image to run, or the error to answer with.</summary>
public sealed record ParsedRequest
{
    public required string RequestId { get; init; }

    /// <summary>The image bytes; while <see cref="ImageBorrowed"/>, a view of the transport's buffer (see <see cref="Owned"/>).</summary>
    public ReadOnlyMemory<byte> Image { get; init; }

    /// <summary>Whether <see cref="Image"/> is still the transport's buffer, valid only until the dispatcher's first await.</summary>
    public bool ImageBorrowed { get; init; }

    /// <summary>Reply topic named inside a JSON request (local pub/sub has no MQTT 5 response topic).</summary>
    public string? ReplyTo { get; init; }

    /// <summary>The model a request on the default topic names (JSON <c>Model</c> or the user property).</summary>
    public string? Model { get; init; }

    public ErrorDetail? Error { get; init; }

    /// <summary>Gives back the pooled memory <see cref="Image"/> lies in: the head's, or the copy <see cref="Owned"/> made (null: none).</summary>
    public Action? ImageRelease
    {
        private get => _release;
        init => _release = value;
    }

    private Action? _release;

    /// <summary>
    /// This request with an image of its own: copied out of the transport's buffer once it is accepted to run, so a
    /// refusal (Busy above all, under a flood) costs no copy of the payload. The copy goes into a pooled buffer, given
    /// back by <see cref="ReleaseImage"/> once the image is decoded: a fresh array per request lands on memory the GC
    /// has handed back to the OS, and each of its pages then faults in again (BENCHMARKS.md, "Page faults").
    /// </summary>
    public ParsedRequest Owned()
    {
        if (!ImageBorrowed)
        {
            return this;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Image.Length);
        Image.Span.CopyTo(buffer);
        return this with { Image = buffer.AsMemory(0, Image.Length), ImageBorrowed = false, ImageRelease = () => ArrayPool<byte>.Shared.Return(buffer) };
    }

    /// <summary>Gives the image's pooled memory back (once; later calls and requests without any do nothing). <see cref="Image"/> must not be read after.</summary>
    public void ReleaseImage() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
