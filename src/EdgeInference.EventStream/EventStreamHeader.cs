namespace EdgeInference.EventStream;

/// <summary>One named header of an event-stream message. Names are 1–255 UTF-8 bytes.</summary>
/// <param name="Name">The header name (AWS peers expect lower case).</param>
/// <param name="Value">The typed value.</param>
public readonly record struct EventStreamHeader(string Name, HeaderValue Value)
{
    /// <summary>Largest header name, in UTF-8 bytes (the name length is one byte on the wire).</summary>
    public const int MaxNameLength = byte.MaxValue;

    /// <inheritdoc />
    public override string ToString() => $"{Name}={Value}";
}
