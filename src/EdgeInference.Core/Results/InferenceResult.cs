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
    /// <summary>
    /// Time the request waited in the worker without being worked on: for a free slot before decoding, and between its
    /// tensor being ready and its run starting (the batching window, or the run before it).
    /// </summary>
    public double QueueMs { get; init; }
    public double DecodeMs { get; init; }
    public double PreprocessMs { get; init; }

    /// <summary>The run that produced this result (shared by every request of its batch).</summary>
    public double InferenceMs { get; init; }

    /// <summary>From the request's acceptance to its result: queue, decode, preprocess, run and reading the output.</summary>
    public double TotalMs { get; init; }

    /// <summary>How many requests ran in the one ONNX Runtime run that answered this one (1: it ran alone).</summary>
    public int BatchSize { get; init; } = 1;
}
