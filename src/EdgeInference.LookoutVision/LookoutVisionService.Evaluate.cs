using EdgeInference.Anomaly.Evaluation;
using EdgeInference.Anomaly.Graphs;
using EdgeInference.Anomaly.Training;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Manifest;
using EdgeInference.LookoutVision.Datasets;
using EdgeInference.LookoutVision.Evaluation;
using EdgeInference.LookoutVision.Models;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.LookoutVision.Store;
using EdgeInference.Onnx.Packages;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Store;

namespace EdgeInference.LookoutVision;

public sealed partial class LookoutVisionService
{
    /// <summary>
    /// Measures an anomaly package on labelled images: image AUROC, F1/precision/recall at the package's threshold and
    /// pixel AUROC where masks exist; optionally the per-image cost against the plain ResNet18 embedding, side by side.
    /// </summary>
    public async Task<EvaluateResponse> EvaluateAsync(EvaluateRequest request, CancellationToken cancellationToken = default)
    {
        var packagePath = request.PackagePath ?? _store.Packaging.ModelPackagePath(request.ProjectName ?? string.Empty, RequireModelVersion(request.ProjectName ?? string.Empty, request.ModelVersion ?? string.Empty));
        ModelPackage package;
        try
        {
            package = ModelPackage.Open(packagePath);
        }
        catch (ModelPackageException ex)
        {
            throw new PackagingValidationException(ex.Message, ex);
        }

        var manifest = package.Manifest;
        var score = manifest.Outputs.FirstOrDefault(o => o.Role == OutputRole.AnomalyScore);
        if (manifest.Task != ModelTask.Anomaly || score is null || manifest.AnomalyThreshold is null)
        {
            throw new PackagingValidationException($"{packagePath} is not an anomaly package with an AnomalyScore output and an AnomalyThreshold.");
        }

        var temporary = Path.Combine(Path.GetTempPath(), "edge-inference-evaluate", Guid.NewGuid().ToString("N"));
        try
        {
            var images = await ImagesForEvaluationAsync(request, temporary, cancellationToken).ConfigureAwait(false);
            if (images.Count == 0)
            {
                throw new PackagingValidationException("There are no labelled images to evaluate.");
            }

            var outputs = new List<string> { score.Name };
            if (manifest.Outputs.FirstOrDefault(o => o.Role == OutputRole.AnomalyMap) is { } map)
            {
                outputs.Add(map.Name);
            }

            EvaluationReport report;
            using (var session = new GraphSession(package.ReadModelBytes(), manifest.Input, outputs))
            {
                report = AnomalyEvaluator.Evaluate(session, images, manifest.AnomalyThreshold.Value, cancellationToken: cancellationToken);
            }

            SpeedSummary? speed = null;
            if (request.SpeedRounds > 0)
            {
                var baselineDirectory = EmbeddingBaseline.WritePackage(Path.Combine(temporary, "resnet18-embedding"));
                using var model = _dependencies.EngineLoader.Load(new ModelLoadOptions { PackagePath = packagePath, Accelerator = Accelerator.Cpu }, cancellationToken);
                using var baseline = _dependencies.EngineLoader.Load(new ModelLoadOptions { PackagePath = baselineDirectory, Accelerator = Accelerator.Cpu }, cancellationToken);
                var encoded = images.Take(16).Select(i => i.Load()).ToList();
                speed = SpeedSummary.From(InferenceSpeed.Compare(model, baseline, encoded, request.SpeedRounds, cancellationToken));
            }

            return new EvaluateResponse(EvaluationSummary.From(report), speed);
        }
        finally
        {
            AtomicFile.TryDeleteDirectory(temporary);
        }
    }

    private async Task<IReadOnlyList<LabeledImage>> ImagesForEvaluationAsync(EvaluateRequest request, string temporary, CancellationToken cancellationToken)
    {
        if (request.Dataset is null)
        {
            var project = request.ProjectName ?? throw new PackagingValidationException("evaluate needs a dataset source (--manifest, --folder, --dataset-source) or --project-name with --dataset-type.");
            var type = request.DatasetType ?? DatasetTypes.Test;
            RequireDataset(project, type);
            return TrainingImages.From(_store, project, type);
        }

        // Imported (and so checked) exactly as create-dataset would, into a throw-away store.
        using var scratch = new LookoutVisionService(new PackagingStore(Path.Combine(temporary, "store")), _dependencies);
        const string Project = "evaluate";
        await scratch.CreateProjectAsync(Project, cancellationToken).ConfigureAwait(false);
        await scratch.CreateDatasetAsync(Project, DatasetTypes.Test, request.Dataset, cancellationToken).ConfigureAwait(false);
        return TrainingImages.From(scratch.Store, Project, DatasetTypes.Test);
    }
}
