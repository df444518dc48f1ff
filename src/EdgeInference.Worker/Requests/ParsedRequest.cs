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

    /// <summary>
    /// This request with an image of its own: copied out of the transport's buffer once it is accepted to run, so a
    /// refusal (Busy above all, under a flood) costs no copy of the payload.
    /// </summary>
    public ParsedRequest Owned() => ImageBorrowed ? this with { Image = Image.ToArray(), ImageBorrowed = false } : this;
}
