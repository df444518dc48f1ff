namespace EdgeInference.Worker.Options;

/// <summary>The <c>Limits</c> section: what a request may cost.</summary>
public sealed record LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Largest request payload; larger ones get PayloadTooLarge without being parsed.</summary>
    public long MaxPayloadBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Largest image (width × height from its header); larger ones are refused before decoding.</summary>
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>Requests run at once.</summary>
    public int MaxConcurrentRequests { get; set; } = 2;

    /// <summary>Requests waiting beyond those running; when full, new requests get Busy at once.</summary>
    public int MaxQueue { get; set; } = 32;
}
