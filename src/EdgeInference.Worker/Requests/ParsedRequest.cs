using EdgeInference.Core.Results;

namespace EdgeInference.Worker.Requests;

/// <summary>A request payload made sense of: the image to run (owned), or the error to answer with.</summary>
public sealed record ParsedRequest
{
    public required string RequestId { get; init; }

    public ReadOnlyMemory<byte> Image { get; init; }

    /// <summary>Reply topic named inside a JSON request (local pub/sub has no MQTT 5 response topic).</summary>
    public string? ReplyTo { get; init; }

    /// <summary>The model a request on the default topic names (JSON <c>Model</c> or the user property).</summary>
    public string? Model { get; init; }

    public ErrorDetail? Error { get; init; }
}
