using System.Text.Json;
using EdgeInference.Anomaly.Evaluation;
using EdgeInference.Anomaly.Training;
using EdgeInference.Core.Inference;
using EdgeInference.LookoutVision.Datasets;
using EdgeInference.LookoutVision.Models;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.Packaging.Store;

namespace EdgeInference.LookoutVision.Evaluation;

/// <summary>One dataset × method of <see cref="AnomalyBenchmark"/>.</summary>
public sealed record AnomalyBenchRow
{
    public required string Dataset { get; init; }
    public required string Method { get; init; }
    public required string Status { get; init; }
    public string? StatusMessage { get; init; }
    public double? TrainingSeconds { get; init; }
    public int? TrainingImages { get; init; }
    public int? MemoryBankSize { get; init; }
    public EvaluationResultFile? Result { get; init; }
    public SpeedSummary? Speed { get; init; }
}

/// <summary>
/// The benchmark behind BENCHMARKS.md: for each dataset and method, the whole workflow in a throw-away store
/// (create-project → create-dataset → create-model, timed) and the test split's quality, then the per-image cost of the
/// trained package against the plain ResNet18 embedding through the worker's engine, side by side in the same run.
/// </summary>
public static class AnomalyBenchmark
{
    public static async Task<IReadOnlyList<AnomalyBenchRow>> RunAsync(
        IReadOnlyList<(string Name, DatasetInput Input)> datasets, IReadOnlyList<AnomalyMethod> methods, int speedRounds,
        LookoutVisionDependencies dependencies, TextWriter log, CancellationToken cancellationToken = default)
    {
        var rows = new List<AnomalyBenchRow>();
        foreach (var (name, input) in datasets)
        {
            foreach (var method in methods)
            {
                var root = Path.Combine(Path.GetTempPath(), "edge-inference-bench", Guid.NewGuid().ToString("N"));
                try
                {
                    using var service = new LookoutVisionService(new PackagingStore(root), dependencies);
                    await service.CreateProjectAsync("bench", cancellationToken).ConfigureAwait(false);
                    await service.CreateDatasetAsync("bench", DatasetTypes.Train, input, cancellationToken).ConfigureAwait(false);
                    var stats = service.DescribeDataset("bench", DatasetTypes.Train).ImageStats;
                    await log.WriteLineAsync($"anomaly-bench: {name} / {method.ToName()}: training on {stats?.Total} images").ConfigureAwait(false);
                    using var training = await service.CreateModelAsync("bench", new CreateModelRequest { Training = new TrainingOptions { Method = method } }, cancellationToken).ConfigureAwait(false);
                    var record = await training.RunAsync(new TrainingProgressWriter(log, $"anomaly-bench: {name} / {method.ToName()}: "), cancellationToken).ConfigureAwait(false);
                    if (record.Description.Status != ModelStatus.Trained)
                    {
                        rows.Add(new AnomalyBenchRow { Dataset = name, Method = method.ToName(), Status = record.Description.Status!, StatusMessage = record.Description.StatusMessage });
                        continue;
                    }

                    var result = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(record.Description.EvaluationResult!.Key!, cancellationToken).ConfigureAwait(false),
                        LookoutVisionJsonContext.Default.EvaluationResultFile)!;
                    SpeedSummary? speed = null;
                    if (speedRounds > 0)
                    {
                        var baselineDirectory = EmbeddingBaseline.WritePackage(Path.Combine(root, "resnet18-embedding"));
                        using var model = dependencies.EngineLoader.Load(new ModelLoadOptions { PackagePath = service.Store.Packaging.ModelPackagePath("bench", "1"), Accelerator = Accelerator.Cpu }, cancellationToken);
                        using var baseline = dependencies.EngineLoader.Load(new ModelLoadOptions { PackagePath = baselineDirectory, Accelerator = Accelerator.Cpu }, cancellationToken);
                        var images = TrainingImages.From(service.Store, "bench", DatasetTypes.Train).Take(16).Select(i => i.Load()).ToList();
                        speed = SpeedSummary.From(InferenceSpeed.Compare(model, baseline, images, speedRounds, cancellationToken));
                    }

                    rows.Add(new AnomalyBenchRow
                    {
                        Dataset = name,
                        Method = method.ToName(),
                        Status = record.Description.Status!,
                        TrainingSeconds = result.TrainingSeconds,
                        TrainingImages = stats?.Total,
                        MemoryBankSize = result.MemoryBankSize,
                        Result = result,
                        Speed = speed,
                    });
                }
                finally
                {
                    AtomicFile.TryDeleteDirectory(root);
                }
            }
        }

        return rows;
    }

    /// <summary>The rows as the table BENCHMARKS.md shows.</summary>
    public static string Table(IReadOnlyList<AnomalyBenchRow> rows)
    {
        var lines = new List<string>
        {
            "| dataset | method | images | train s | image AUROC | F1 | precision | recall | pixel AUROC | ms/image (run) | ResNet18 ms (run) | ratio |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        };
        foreach (var row in rows)
        {
            var r = row.Result;
            lines.Add(string.Join(" | ", [
                $"| {row.Dataset}", row.Method, $"{row.TrainingImages}", F(row.TrainingSeconds, "0.0"),
                F(r?.ImageLevel.Auroc), F(r?.ImageLevel.F1Score), F(r?.ImageLevel.Precision), F(r?.ImageLevel.Recall), F(r?.PixelLevel?.Auroc),
                F(row.Speed?.ModelInferenceMs, "0.0"), F(row.Speed?.EmbeddingInferenceMs, "0.0"), F(row.Speed?.InferenceRatio, "0.00") + " |"]));
            if (row.Status != ModelStatus.Trained)
            {
                lines.Add($"|   {row.Status}: {row.StatusMessage} |");
            }
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string F(double? value, string format = "0.000") =>
        value is { } v ? v.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "–";
}
