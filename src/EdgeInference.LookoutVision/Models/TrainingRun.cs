using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Anomaly;
using EdgeInference.Anomaly.Training;
using EdgeInference.LookoutVision.Evaluation;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.LookoutVision.Store;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Models;
using EdgeInference.Packaging.Store;

namespace EdgeInference.LookoutVision.Models;

/// <summary>
/// One training: trains, then writes the package (zip) and the evaluation files into the model's folder and only then
/// records TRAINED with Performance; any failure records TRAINING_FAILED with the reason and leaves no package behind.
/// </summary>
internal sealed class TrainingRun(LookoutStore store, TimeProvider time, string project, TrainingRecord reserved, CreateModelRequest request,
    IReadOnlyList<LabeledImage> train, IReadOnlyList<LabeledImage> test, Func<LabeledImage, string?> entryOf)
{
    private string Version => reserved.Description.ModelVersion!;

    public TrainingRecord Execute(IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var staging = store.Packaging.CreateStagingDirectory();
        try
        {
            var options = request.Training with { Name = $"{project}-{Version}" };
            var trained = new AnomalyTrainer(options, time).Train(train, test, progress, cancellationToken);

            var packageFolder = Path.Combine(staging, "package");
            trained.WritePackage(packageFolder);
            var zip = Path.Combine(staging, PackagingStore.PackageFileName);
            var imported = ModelPackageImporter.Import(packageFolder, null, zip);
            var evaluation = WriteEvaluation(staging, trained, options.Method);

            // Everything is complete in staging: move it in, the record last (packaging looks for model.json).
            var evaluationTarget = store.EvaluationDirectory(project, Version);
            AtomicFile.PublishDirectory(evaluation, evaluationTarget);
            File.Move(zip, store.Packaging.ModelPackagePath(project, Version), overwrite: true);
            var now = time.GetUtcNow();
            var record = reserved with
            {
                Method = options.Method.ToName(),
                Description = reserved.Description with
                {
                    Status = ModelStatus.Trained,
                    StatusMessage = $"Training completed ({options.Method.ToName()}, {trained.Elapsed.TotalSeconds:0.0} s): image AUROC {Format(trained.Test.ImageAuroc)}"
                        + (trained.Test.PixelAuroc is { } pixel ? $", pixel AUROC {pixel:0.000}" : string.Empty)
                        + $" on {trained.Test.Images.Count} test images.",
                    Performance = trained.Test.AnomalousImages > 0
                        ? new ModelPerformance
                        {
                            F1Score = (float)trained.Test.AtThreshold.F1,
                            Precision = (float)trained.Test.AtThreshold.Precision,
                            Recall = (float)trained.Test.AtThreshold.Recall,
                        }
                        : null,
                    EvaluationManifest = new OutputS3Object { Key = Path.Combine(evaluationTarget, "manifest.jsonl") },
                    EvaluationResult = new OutputS3Object { Key = Path.Combine(evaluationTarget, "result.json") },
                    EvaluationEndTimestamp = now,
                },
            };
            store.Packaging.WriteModelRecord(new ModelRecord
            {
                ProjectName = project,
                ModelVersion = Version,
                CreationTimestamp = reserved.Description.CreationTimestamp,
                Description = reserved.Description.Description,
                ModelFile = imported.ModelFile,
                ModelSha256 = imported.ModelSha256,
                PackageSha256 = imported.PackageSha256,
                Task = "anomaly",
                ModelName = imported.Manifest.Name,
                Source = $"trained from project {project} datasets",
            });
            store.WriteTraining(project, record);
            return record;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The training boundary: whatever failed, the version says why and holds no package.
            AtomicFile.TryDelete(store.Packaging.ModelPackagePath(project, Version));
            AtomicFile.TryDeleteDirectory(store.EvaluationDirectory(project, Version));
            var failed = reserved with
            {
                Description = reserved.Description with { Status = ModelStatus.TrainingFailed, StatusMessage = FailureMessage(ex) },
            };
            store.WriteTraining(project, failed);
            return failed;
        }
        finally
        {
            AtomicFile.TryDeleteDirectory(staging);
        }
    }

    private static string FailureMessage(Exception ex) => ex switch
    {
        OperationCanceledException => "Training was cancelled.",
        AnomalyTrainingException or PackagingException => ex.Message,
        _ => $"Training failed: {ex.GetType().Name}: {ex.Message}",
    };

    private static string Format(double? value) => value is { } v ? v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "n/a";

    private string WriteEvaluation(string staging, TrainedModel trained, AnomalyMethod method)
    {
        var folder = Path.Combine(staging, "evaluation");
        Directory.CreateDirectory(folder);
        var manifest = new StringBuilder();
        for (var i = 0; i < trained.Test.Images.Count; i++)
        {
            var result = trained.Test.Images[i];
            var entry = entryOf(trained.Split.Test[i]);
            var line = (entry is null ? null : JsonNode.Parse(entry) as JsonObject) ?? new JsonObject { ["source-ref"] = result.Source };
            line["anomaly-label-detected"] = result.PredictedAnomalous ? 1 : 0;
            line["anomaly-label-detected-metadata"] = new JsonObject
            {
                ["class-name"] = result.PredictedAnomalous ? "anomaly" : "normal",
                ["confidence"] = Math.Round(0.5 + Math.Abs(result.Score - 0.5), 6),
                ["anomaly-score"] = Math.Round(result.Score, 6),
            };
            manifest.AppendLine(line.ToJsonString());
        }

        File.WriteAllText(Path.Combine(folder, "manifest.jsonl"), manifest.ToString());
        var report = trained.Test;
        var counts = report.AtThreshold;
        var file = new EvaluationResultFile
        {
            ProjectName = project,
            ModelVersion = Version,
            Method = method.ToName(),
            ImageLevel = new ImageLevelResult(report.ImageAuroc, counts.F1, counts.Precision, counts.Recall, report.Threshold,
                counts.TruePositives, counts.FalsePositives, counts.FalseNegatives, counts.TrueNegatives),
            PixelLevel = report.PixelAuroc is null ? null : new PixelLevelResult(report.PixelAuroc, report.ImagesWithMasks),
            Calibration = new CalibrationSummary(trained.Calibration.Method, trained.Calibration.Normalization.Threshold, trained.Calibration.Normalization.Scale,
                trained.Calibration.NormalImages, trained.Calibration.AnomalousImages, trained.Calibration.CalibrationF1),
            Split = new SplitSummary(trained.Split.Memory.Count, trained.Split.Calibration.Count, trained.Split.Test.Count, trained.Split.TestHeldOut),
            MemoryBankSize = trained.MemoryBankSize > 0 ? trained.MemoryBankSize : null,
            TrainingSeconds = Math.Round(trained.Elapsed.TotalSeconds, 2),
        };
        File.WriteAllBytes(Path.Combine(folder, "result.json"), JsonSerializer.SerializeToUtf8Bytes(file, LookoutVisionJsonContext.Default.EvaluationResultFile));
        return folder;
    }
}
