namespace EdgeInference.LookoutVision.Shapes;

public sealed record ImageSource(string Type);

public sealed record LookoutPixelAnomaly(float TotalPercentageArea, string Color);

public sealed record LookoutAnomaly(string Name, LookoutPixelAnomaly? PixelAnomaly);

/// <summary>DetectAnomalies' result exactly as the service shaped it (the mask is a PNG, base64 in JSON).</summary>
public sealed record LookoutDetectAnomalyResult
{
    public required ImageSource Source { get; init; }
    public required bool IsAnomalous { get; init; }
    public required float Confidence { get; init; }
    public IReadOnlyList<LookoutAnomaly>? Anomalies { get; init; }
    public string? AnomalyMask { get; init; }
}

public sealed record DetectAnomaliesResponse(LookoutDetectAnomalyResult DetectAnomalyResult);
