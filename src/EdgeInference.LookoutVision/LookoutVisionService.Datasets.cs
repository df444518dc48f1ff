using System.Text;
using EdgeInference.LookoutVision.Datasets;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.LookoutVision.Store;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Store;

namespace EdgeInference.LookoutVision;

public sealed partial class LookoutVisionService
{
    public async Task<DatasetMetadata> CreateDatasetAsync(string project, string? datasetType, DatasetInput input, CancellationToken cancellationToken = default)
    {
        RequireProject(project);
        var type = RequireDatasetType(datasetType);
        var sources = new[] { input.ManifestPath is not null, input.S3Manifest is not null, input.Folder is not null }.Count(s => s);
        if (sources > 1)
        {
            throw new PackagingValidationException("Give one dataset source: a manifest file, a GroundTruthManifest in S3, or a folder.");
        }

        if (sources == 0)
        {
            throw new PackagingValidationException("CreateDataset needs a source here: --manifest FILE, --dataset-source with a GroundTruthManifest S3Object, or --folder DIR.");
        }

        using var trainingLock = TryLockTraining(project)
            ?? throw new PackagingConflictException($"A model of project {project} is training: datasets cannot change until it finishes.") { ResourceId = project, ResourceType = ResourceTypes.Project };
        if (_store.TryGetDataset(project, type) is not null)
        {
            throw new PackagingConflictException($"Project {project} already has a {type} dataset (delete-dataset first).") { ResourceId = type, ResourceType = "DATASET" };
        }

        var importer = new DatasetImporter(_store, Time, _dependencies.S3);
        DatasetRecord record;
        if (input.Folder is { } folder)
        {
            if (!Directory.Exists(folder))
            {
                throw new PackagingValidationException($"The folder {Path.GetFullPath(folder)} does not exist.");
            }

            record = await importer.ImportFolderAsync(project, type, folder, cancellationToken).ConfigureAwait(false);
        }
        else if (input.ManifestPath is { } manifestPath)
        {
            if (!File.Exists(manifestPath))
            {
                throw new PackagingValidationException($"The manifest {Path.GetFullPath(manifestPath)} does not exist.");
            }

            var root = input.ImageRoot ?? Path.GetDirectoryName(Path.GetFullPath(manifestPath));
            record = await importer.ImportManifestAsync(project, type, await File.ReadAllTextAsync(manifestPath, cancellationToken).ConfigureAwait(false),
                Path.GetFullPath(manifestPath), root, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var s3 = input.S3Manifest!;
            if (string.IsNullOrEmpty(s3.Bucket) || string.IsNullOrEmpty(s3.Key))
            {
                throw new PackagingValidationException("DatasetSource.GroundTruthManifest.S3Object needs Bucket and Key.");
            }

            var name = $"s3://{s3.Bucket}/{s3.Key}";
            byte[] manifest;
            using (var reader = new DatasetObjectReader(null, _dependencies.S3))
            {
                manifest = await reader.ReadAsync(name, "GroundTruthManifest", cancellationToken).ConfigureAwait(false);
            }

            // Relative source-refs of an S3 manifest are relative to its "folder".
            var slash = s3.Key.LastIndexOf('/');
            var root = slash < 0 ? $"s3://{s3.Bucket}" : $"s3://{s3.Bucket}/{s3.Key[..slash]}";
            record = await importer.ImportManifestAsync(project, type, Encoding.UTF8.GetString(manifest), name, root, cancellationToken).ConfigureAwait(false);
        }

        return DatasetMetadataOf(record.Description);
    }

    public DatasetDescription DescribeDataset(string project, string? datasetType) => RequireDataset(project, datasetType).Description;

    public ListDatasetEntriesResponse ListDatasetEntries(string project, string? datasetType, DatasetEntryFilter filter, int? maxResults = null, string? nextToken = null)
    {
        var type = RequireDatasetType(datasetType);
        RequireDataset(project, type);
        var entries = _store.ReadItems(project, type)
            .Where(filter.Matches)
            .Select(i => i.Entry)
            .ToList();
        var (page, next) = Paging.Take(entries, maxResults, nextToken);
        return new ListDatasetEntriesResponse(page, next);
    }

    public async Task DeleteDatasetAsync(string project, string? datasetType, CancellationToken cancellationToken = default)
    {
        var type = RequireDatasetType(datasetType);
        RequireDataset(project, type);
        using var trainingLock = TryLockTraining(project)
            ?? throw new PackagingConflictException($"A model of project {project} is training: its datasets cannot be deleted now.") { ResourceId = type, ResourceType = "DATASET" };
        using var storeLock = await _store.Packaging.LockAsync(cancellationToken).ConfigureAwait(false);
        var directory = _store.DatasetDirectory(project, type);
        var doomed = directory + $".{Guid.NewGuid():N}.deleted";
        Directory.Move(directory, doomed);
        AtomicFile.TryDeleteDirectory(doomed);
    }

    private DatasetRecord RequireDataset(string project, string? datasetType)
    {
        RequireProject(project);
        var type = RequireDatasetType(datasetType);
        return _store.TryGetDataset(project, type)
            ?? throw new PackagingResourceNotFoundException($"Project {project} has no {type} dataset.") { ResourceId = type, ResourceType = "DATASET" };
    }

    private static string RequireDatasetType(string? datasetType) =>
        DatasetTypes.IsValid(datasetType)
            ? datasetType!
            : throw new PackagingValidationException($"DatasetType '{datasetType}' must be '{DatasetTypes.Train}' or '{DatasetTypes.Test}'.");

    private static DatasetMetadata DatasetMetadataOf(DatasetDescription description) => new()
    {
        DatasetType = description.DatasetType,
        CreationTimestamp = description.CreationTimestamp,
        Status = description.Status,
        StatusMessage = description.StatusMessage,
    };
}

/// <summary>ListDatasetEntries' filters (labeled, anomalyClass, createdBefore/After, sourceRefContains).</summary>
public sealed record DatasetEntryFilter
{
    public bool? Labeled { get; init; }
    public string? AnomalyClass { get; init; }
    public DateTimeOffset? CreatedBefore { get; init; }
    public DateTimeOffset? CreatedAfter { get; init; }
    public string? SourceRefContains { get; init; }

    public bool Matches(DatasetItem item) =>
        (Labeled is null || Labeled == (item.IsAnomalous is not null))
        && (AnomalyClass is null || string.Equals(AnomalyClass, item.IsAnomalous switch { true => "anomaly", false => "normal", _ => null }, StringComparison.OrdinalIgnoreCase)
            || string.Equals(AnomalyClass, item.ClassName, StringComparison.OrdinalIgnoreCase))
        && (CreatedBefore is null || item.CreationTimestamp < CreatedBefore)
        && (CreatedAfter is null || item.CreationTimestamp > CreatedAfter)
        && (SourceRefContains is null || item.SourceRef.Contains(SourceRefContains, StringComparison.Ordinal));
}
