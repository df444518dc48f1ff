namespace EdgeInference.Core.Results;

/// <summary>The result JSON a worker sends back for one request. Exactly one of the task fields is set.</summary>
public sealed record InferenceResult
{
    public string? RequestId { get; init; }
    public required ModelProvenance Model { get; init; }
    public required string ExecutionProvider { get; init; }
    public DetectAnomalyResult? DetectAnomalyResult { get; init; }
    public IReadOnlyList<Classification>? Classifications { get; init; }
    public float[]? Embedding { get; init; }
    public required InferenceTimings Timings { get; init; }
}

/// <summary>Which model, exactly, produced a result.</summary>
public sealed record ModelProvenance
{
    /// <summary>The model's name on this worker (what requests address).</summary>
    public string? Name { get; init; }
    public string? ComponentName { get; init; }
    public string? ComponentVersion { get; init; }

    /// <summary>The model component's version ARN; always written, <c>null</c> when unknown.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
    public string? ComponentVersionArn { get; init; }
    public string? ModelVersion { get; init; }
    public required string Sha256 { get; init; }
}

/// <summary>Shaped like Lookout for Vision's DetectAnomalyResult.</summary>
public sealed record DetectAnomalyResult
{
    public required bool IsAnomalous { get; init; }
    /// <summary>Confidence in the verdict (0–1).</summary>
    public required float Confidence { get; init; }
    public required float AnomalyScore { get; init; }
    public required float AnomalyThreshold { get; init; }
    public IReadOnlyList<Anomaly>? Anomalies { get; init; }
    /// <summary>Base64 PNG of the anomaly mask, when the model gives a per-pixel map.</summary>
    public string? AnomalyMask { get; init; }
}

public sealed record Anomaly
{
    public required string Name { get; init; }
    public PixelAnomaly? PixelAnomaly { get; init; }
}

public sealed record PixelAnomaly
{
    /// <summary>Share of the image covered, 0–1 (as Lookout for Vision reports it).</summary>
    public required float TotalPercentageArea { get; init; }
    /// <summary>Mask colour as <c>#RRGGBB</c>.</summary>
    public required string Color { get; init; }
}

public sealed record Classification
{
    public required string Label { get; init; }
    public required float Confidence { get; init; }
}

public sealed record InferenceTimings
{
    /// <summary>Time the request waited for a free run slot.</summary>
    public double QueueMs { get; init; }
    public double DecodeMs { get; init; }
    public double PreprocessMs { get; init; }
    public double InferenceMs { get; init; }
    public double TotalMs { get; init; }
}
