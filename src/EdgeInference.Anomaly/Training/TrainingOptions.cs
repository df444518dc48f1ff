namespace EdgeInference.Anomaly.Training;

/// <summary>How a model is trained. The defaults are the ones BENCHMARKS.md measured.</summary>
public sealed record TrainingOptions
{
    /// <summary>The package's name in its manifest.</summary>
    public string Name { get; init; } = "anomaly-model";

    public AnomalyMethod Method { get; init; } = AnomalyMethod.PatchCore;

    /// <summary>The backbone ONNX file (default: the bundled ResNet18, see <see cref="Backbone.ResNet18Backbone.Locate"/>).</summary>
    public string? BackbonePath { get; init; }

    /// <summary>Share of memory descriptors kept by the coreset (PatchCore used 1–10 %).</summary>
    public double CoresetRatio { get; init; } = 0.1;

    /// <summary>Upper bound on the memory bank (bounds the per-image nearest-neighbour cost).</summary>
    public int MaxMemoryBank { get; init; } = 2048;

    /// <summary>Seeds the split, the projection and the coreset's first pick: the same data gives the same model.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Share of each class held out as the test split when there is no test dataset.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Share of the remaining normal images held out to calibrate the threshold.</summary>
    public double CalibrationFraction { get; init; } = 0.2;

    /// <summary>Fewest normal images a training set needs (more when the test split comes out of it).</summary>
    public int MinimumNormalImages { get; init; } = 10;

    /// <summary>ONNX Runtime intra-op threads while training (0: one per core).</summary>
    public int IntraOpThreads { get; init; }
}
