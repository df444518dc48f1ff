namespace EdgeInference.Client;

/// <summary>Where a worker listens and how to reach it (the CLI options shared by infer, describe and bench).</summary>
public sealed record WorkerConnection
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 1883;
    public string ThingName { get; init; } = "local";
    public string? Username { get; init; }
    public string? Password { get; init; }
    public string? TlsCaFile { get; init; }
    public string? TlsCertFile { get; init; }
    public string? TlsKeyFile { get; init; }
    public bool UseTls { get; init; }

    /// <summary>Overrides <c>edge-inference/{ThingName}/infer</c>.</summary>
    public string? RequestTopic { get; init; }

    public string InferTopic => RequestTopic ?? $"edge-inference/{ThingName}/infer";
    public string DescribeTopic => $"edge-inference/{ThingName}/describe";
    public string StatusTopic => $"edge-inference/{ThingName}/status";

    /// <summary>The worker's periodic metrics (Metrics:Topic default); a filter with <c>+</c> watches every thing at once.</summary>
    public string MetricsTopic => $"edge-inference/{ThingName}/metrics";
}
