using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Store;

namespace EdgeInference.LookoutVision.Store;

/// <summary>
/// Lookout's projects, datasets and trained models inside the packaging store (so packaging jobs find trained models
/// where they find imported ones): <c>projects/P/project.json</c>, <c>projects/P/datasets/{train,test}/{dataset.json,items.json,images/,masks/}</c>,
/// <c>projects/P/models/N/{training.json,model.json,package.zip,evaluation/}</c>. A model's <c>model.json</c> and
/// <c>package.zip</c> appear only once it is TRAINED.
/// </summary>
public sealed class LookoutStore(PackagingStore packaging)
{
    public const string ProjectFileName = "project.json";
    public const string DatasetFileName = "dataset.json";
    public const string ItemsFileName = "items.json";
    public const string TrainingFileName = "training.json";
    public const string TrainingLockFileName = ".training.lock";

    public PackagingStore Packaging => packaging;

    public string ProjectDirectory(string project) => packaging.ProjectDirectory(project);

    public string DatasetDirectory(string project, string datasetType) => Path.Combine(ProjectDirectory(project), "datasets", datasetType);

    public string ModelDirectory(string project, string version) => packaging.ModelDirectory(project, version);

    public string EvaluationDirectory(string project, string version) => Path.Combine(ModelDirectory(project, version), "evaluation");

    public string TrainingLockPath(string project) => Path.Combine(ProjectDirectory(project), TrainingLockFileName);

    public ProjectRecord? TryGetProject(string project) =>
        packaging.ProjectExists(project)
            ? StoreJson.ReadIfExists(Path.Combine(ProjectDirectory(project), ProjectFileName), LookoutVisionJsonContext.Default.ProjectRecord)
              ?? new ProjectRecord { ProjectName = project, CreationTimestamp = Directory.GetCreationTimeUtc(ProjectDirectory(project)) }
            : null;

    public void WriteProject(ProjectRecord record) =>
        StoreJson.Write(Path.Combine(ProjectDirectory(record.ProjectName), ProjectFileName), record, LookoutVisionJsonContext.Default.ProjectRecord);

    public DatasetRecord? TryGetDataset(string project, string datasetType) =>
        StoreJson.ReadIfExists(Path.Combine(DatasetDirectory(project, datasetType), DatasetFileName), LookoutVisionJsonContext.Default.DatasetRecord);

    public IReadOnlyList<DatasetItem> ReadItems(string project, string datasetType) =>
        StoreJson.ReadIfExists(Path.Combine(DatasetDirectory(project, datasetType), ItemsFileName), LookoutVisionJsonContext.Default.ListDatasetItem) ?? [];

    public IReadOnlyList<DatasetRecord> ListDatasets(string project) =>
        new[] { DatasetTypes.Train, DatasetTypes.Test }.Select(t => TryGetDataset(project, t)).OfType<DatasetRecord>().ToList();

    public TrainingRecord? TryGetTraining(string project, string version) =>
        StoreJson.ReadIfExists(Path.Combine(ModelDirectory(project, version), TrainingFileName), LookoutVisionJsonContext.Default.TrainingRecord);

    public void WriteTraining(string project, TrainingRecord record) =>
        StoreJson.Write(Path.Combine(ModelDirectory(project, record.Description.ModelVersion!), TrainingFileName), record, LookoutVisionJsonContext.Default.TrainingRecord);

    /// <summary>Model versions with a folder (trained, training, failed or imported), in number order.</summary>
    public IReadOnlyList<string> ListModelVersions(string project)
    {
        var models = Path.Combine(ProjectDirectory(project), "models");
        return Directory.Exists(models)
            ? Directory.EnumerateDirectories(models).Select(Path.GetFileName).OfType<string>()
                .Where(n => int.TryParse(n, out _)).OrderBy(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToList()
            : [];
    }
}
