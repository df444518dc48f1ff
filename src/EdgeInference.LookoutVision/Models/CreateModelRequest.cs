using EdgeInference.Anomaly.Training;
using EdgeInference.LookoutVision.Shapes;

namespace EdgeInference.LookoutVision.Models;

/// <summary>CreateModel's inputs, plus how to train (defaults: PatchCore as BENCHMARKS.md measured it).</summary>
public sealed record CreateModelRequest
{
    public string? Description { get; init; }
    public OutputConfig? OutputConfig { get; init; }
    public string? KmsKeyId { get; init; }
    public TrainingOptions Training { get; init; } = new();
}
