using EdgeInference.Core.Results;

namespace EdgeInference.Worker.Requests;

/// <summary>A request payload made sense of: the image to run, or the error to answer with.</summary>
public sealed record ParsedRequest
{
    public required string RequestId { get; init; }

    public ReadOnlyMemory<byte> Image { get; init; }

    /// <summary>Reply topic named inside a JSON request (local pub/sub has no MQTT 5 response topic).</summary>
    public string? ReplyTo { get; init; }

    public ErrorDetail? Error { get; init; }
}
