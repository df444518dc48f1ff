using System.Text.Json.Serialization;
using EdgeInference.Core.Json;

namespace EdgeInference.Core.Results;

/// <summary>The retained message on the status topic.</summary>
public sealed record WorkerStatus
{
    /// <summary>One of <see cref="WorkerStates"/>.</summary>
    public required string Status { get; init; }
    public string? StatusMessage { get; init; }
    public string? ThingName { get; init; }
    public string? ExecutionProvider { get; init; }
    public string? FallbackReason { get; init; }
    public ModelProvenance? Model { get; init; }
    public string? Version { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? Timestamp { get; init; }
}

public static class WorkerStates
{
    public const string Starting = "STARTING";
    public const string Running = "RUNNING";
    public const string Stopping = "STOPPING";
    public const string Failed = "FAILED";
}
