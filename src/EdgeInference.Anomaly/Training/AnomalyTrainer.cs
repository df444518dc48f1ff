using System.Globalization;
using EdgeInference.Anomaly.Backbone;
using EdgeInference.Anomaly.Evaluation;
using EdgeInference.Anomaly.Graphs;
using EdgeInference.Core.Manifest;
using Onnx;

namespace EdgeInference.Anomaly.Training;

/// <summary>A training stage and how far it is (for progress on stderr).</summary>
public sealed record TrainingProgress(string Stage, int Done, int Total);

/// <summary>
/// Trains a model: descriptors of the memory images → coreset memory bank (PatchCore) or per-position Gaussians (PaDiM) → the scoring graph → threshold
/// calibrated on held-out images → the normalised graph, measured on the test split. Nothing is written: the caller
/// writes <see cref="TrainedModel.WritePackage"/> where it wants, once training succeeded.
/// </summary>
public sealed class AnomalyTrainer(TrainingOptions options, TimeProvider? timeProvider = null)
{
    public const string FeatureStage = "feature extraction";
    public const string MemoryStage = "memory bank";
    public const string CalibrationStage = "calibration";
    public const string EvaluationStage = "evaluation";

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <exception cref="AnomalyDataException">Too few images, or an image that cannot be read (named).</exception>
    /// <exception cref="AnomalyTrainingException">The backbone is missing or unusable.</exception>
    public TrainedModel Train(IReadOnlyList<LabeledImage> train, IReadOnlyList<LabeledImage> test, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        var split = DataSplit.Create(train, test, options);
        var backbone = ResNet18Backbone.Locate(options.BackbonePath);

        var (descriptors, rows) = ExtractMemoryDescriptors(backbone, split.Memory, progress, cancellationToken);
        IPatchScorer scorer;
        var bankSize = 0;
        var normalScores = new List<float>();
        if (options.Method == AnomalyMethod.Padim)
        {
            scorer = GaussianFit.Fit(descriptors, split.Memory.Count, CellFeatures.CellsPerImage, FeatureGraph.Channels, options.Seed, cancellationToken);
        }
        else
        {
            var bankRows = SelectCoreset(descriptors, rows, progress, cancellationToken);
            scorer = MemoryBank(descriptors, bankRows);
            bankSize = bankRows.Length;
            normalScores.AddRange(LeaveOneOutScores.Compute(descriptors, split.Memory.Count, bankRows,
                new InlineProgress<int>(done => progress?.Report(new TrainingProgress(CalibrationStage, done, split.Memory.Count + split.Calibration.Count))), cancellationToken));
        }

        CalibrationResult calibration;
        using (var raw = new GraphSession(ScoringGraph.Build(backbone, scorer, normalization: null), [ScoringGraph.ScoreOutput, ScoringGraph.MapOutput], options.IntraOpThreads))
        {
            var anomalyScores = new List<float>();
            var done = normalScores.Count;
            var total = normalScores.Count + split.Calibration.Count;
            foreach (var image in split.Calibration)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var score = raw.Run(image.Load(), image.Source)[0][0];
                (image.IsAnomalous ? anomalyScores : normalScores).Add(score);
                progress?.Report(new TrainingProgress(CalibrationStage, ++done, total));
            }

            calibration = ThresholdCalibrator.Calibrate(normalScores, anomalyScores);
        }

        var model = ScoringGraph.Build(backbone, scorer, calibration.Normalization);
        EvaluationReport report;
        using (var final = new GraphSession(model, [ScoringGraph.ScoreOutput, ScoringGraph.MapOutput], options.IntraOpThreads))
        {
            report = AnomalyEvaluator.Evaluate(final, split.Test, ScoreNormalization.NormalizedThreshold,
                new InlineProgress<(int Done, int Total)>(p => progress?.Report(new TrainingProgress(EvaluationStage, p.Done, p.Total))), cancellationToken);
        }

        var elapsed = _time.GetElapsedTime(started);
        AddMetadata(model, options.Method, calibration, bankSize, split, elapsed);
        return new TrainedModel
        {
            Model = model,
            Manifest = Manifest(options.Name),
            Calibration = calibration,
            Test = report,
            Split = split,
            MemoryBankSize = bankSize,
            Elapsed = elapsed,
        };
    }

    /// <summary>The package manifest of a model this trainer builds (threshold 0.5 on normalised outputs).</summary>
    public static ModelManifest Manifest(string name) => new()
    {
        SchemaVersion = ModelManifest.CurrentSchemaVersion,
        Name = name,
        Task = ModelTask.Anomaly,
        ModelFile = ModelManifest.DefaultModelFileName,
        Input = ResNet18Backbone.InputSpec(FeatureGraph.ImageInput),
        Outputs =
        [
            new ModelOutputSpec { Name = ScoringGraph.ScoreOutput, Role = OutputRole.AnomalyScore, ElementType = "float32" },
            new ModelOutputSpec { Name = ScoringGraph.MapOutput, Role = OutputRole.AnomalyMap, ElementType = "float32" },
        ],
        AnomalyThreshold = ScoreNormalization.NormalizedThreshold,
        PixelAnomalyThreshold = ScoreNormalization.NormalizedThreshold,
    };

    private int[] SelectCoreset(float[] descriptors, int rows, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var target = Math.Clamp((int)Math.Round(rows * options.CoresetRatio), 1, options.MaxMemoryBank);
        progress?.Report(new TrainingProgress(MemoryStage, 0, target));
        return GreedyCoreset.Select(descriptors, rows, FeatureGraph.Channels, target, options.Seed,
            new InlineProgress<int>(done => progress?.Report(new TrainingProgress(MemoryStage, done, target))), cancellationToken);
    }

    private static MemoryBankScorer MemoryBank(float[] descriptors, int[] bankRows)
    {
        var bank = new float[bankRows.Length * FeatureGraph.Channels];
        for (var i = 0; i < bankRows.Length; i++)
        {
            descriptors.AsSpan(bankRows[i] * FeatureGraph.Channels, FeatureGraph.Channels).CopyTo(bank.AsSpan(i * FeatureGraph.Channels));
        }

        return new MemoryBankScorer(bank, bankRows.Length, FeatureGraph.Channels);
    }

    private (float[] Descriptors, int Rows) ExtractMemoryDescriptors(string backbone, IReadOnlyList<LabeledImage> memory, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        const int PerImage = CellFeatures.CellsPerImage * FeatureGraph.Channels;
        var descriptors = new float[memory.Count * PerImage];
        using var features = new GraphSession(FeatureGraph.Build(backbone), [FeatureGraph.FeaturesOutput], options.IntraOpThreads);
        for (var i = 0; i < memory.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var output = features.Run(memory[i].Load(), memory[i].Source)[0];
            CellFeatures.CopyToRows(output, descriptors.AsSpan(i * PerImage, PerImage));
            progress?.Report(new TrainingProgress(FeatureStage, i + 1, memory.Count));
        }

        return (descriptors, memory.Count * CellFeatures.CellsPerImage);
    }

    private static void AddMetadata(ModelProto model, AnomalyMethod method, CalibrationResult calibration, int bankSize, DataSplit split, TimeSpan elapsed)
    {
        void Add(string key, string value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        Add("edge-inference.method", method.ToName());
        Add("edge-inference.backbone", "resnet18 (Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1), stride-8 + stride-16 stages, 3x3 local aggregation");
        if (bankSize > 0)
        {
            Add("edge-inference.memory-bank", bankSize.ToString(CultureInfo.InvariantCulture));
        }

        Add("edge-inference.raw-threshold", Number(calibration.Normalization.Threshold));
        Add("edge-inference.normalization-scale", Number(calibration.Normalization.Scale));
        Add("edge-inference.calibration", calibration.Method);
        Add("edge-inference.images", $"memory {split.Memory.Count}, calibration {split.Calibration.Count}, test {split.Test.Count}");
        Add("edge-inference.training-seconds", Number(Math.Round(elapsed.TotalSeconds, 2)));
    }
}

/// <summary>A trained model in memory: the graph, its manifest, and how it was calibrated and measured.</summary>
public sealed record TrainedModel
{
    public required ModelProto Model { get; init; }
    public required ModelManifest Manifest { get; init; }
    public required CalibrationResult Calibration { get; init; }
    public required EvaluationReport Test { get; init; }
    public required DataSplit Split { get; init; }
    /// <summary>Memory-bank descriptors (PatchCore); 0 for PaDiM.</summary>
    public required int MemoryBankSize { get; init; }
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Writes <c>model.onnx</c> and <c>manifest.json</c> into <paramref name="directory"/> (created).</summary>
    public void WritePackage(string directory, Core.Packaging.ModelPackagingDescription? description = null)
    {
        Directory.CreateDirectory(directory);
        using (var stream = File.Create(Path.Combine(directory, ModelManifest.DefaultModelFileName)))
        {
            Google.Protobuf.MessageExtensions.WriteTo(Model, stream);
        }

        var manifest = description is null ? Manifest : Manifest with { ModelPackagingDescription = description };
        File.WriteAllBytes(Path.Combine(directory, ModelManifest.FileName),
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(manifest, Core.Json.CoreJsonContext.Indented.ModelManifest));
    }
}
