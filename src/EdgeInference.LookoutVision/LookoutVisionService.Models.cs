using EdgeInference.Anomaly;
using EdgeInference.Anomaly.Training;
using EdgeInference.LookoutVision.Models;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.LookoutVision.Store;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Store;

namespace EdgeInference.LookoutVision;

public sealed partial class LookoutVisionService
{
    /// <summary>
    /// Checks the datasets, reserves the next model version as TRAINING and returns the training to run. Refused with
    /// ConflictException while another training of the project runs, ValidationException when the datasets cannot train a model.
    /// </summary>
    public async Task<ModelTraining> CreateModelAsync(string project, CreateModelRequest request, CancellationToken cancellationToken = default)
    {
        RequireProject(project);
        if (request.Description is { Length: 0 or > 500 })
        {
            throw new PackagingValidationException("Description must be 1-500 characters.");
        }

        var trainingLock = TryLockTraining(project)
            ?? throw new PackagingConflictException($"A model of project {project} is already training; wait until it is TRAINED or TRAINING_FAILED.")
            {
                ResourceId = project,
                ResourceType = ResourceTypes.Project,
            };
        try
        {
            MarkInterruptedTrainings(project);
            if (_store.TryGetDataset(project, DatasetTypes.Train) is null)
            {
                throw new PackagingValidationException($"Project {project} has no train dataset: create-dataset --dataset-type train first.");
            }

            var train = TrainingImages.From(_store, project, DatasetTypes.Train);
            var test = _store.TryGetDataset(project, DatasetTypes.Test) is null ? [] : TrainingImages.From(_store, project, DatasetTypes.Test);
            try
            {
                DataSplit.Create(train, test, request.Training);
            }
            catch (AnomalyDataException ex)
            {
                throw new PackagingValidationException(ex.Message, ex);
            }

            var entries = new Dictionary<LabeledImage, string>(ReferenceEqualityComparer.Instance);
            foreach (var (type, images) in new[] { (DatasetTypes.Train, train), (DatasetTypes.Test, test) })
            {
                var items = _store.ReadItems(project, type);
                for (var i = 0; i < images.Count && i < items.Count; i++)
                {
                    entries[images[i]] = items[i].Entry;
                }
            }

            TrainingRecord reserved;
            using (await _store.Packaging.LockAsync(cancellationToken).ConfigureAwait(false))
            {
                var version = _store.Packaging.NextModelVersion(project).ToString(System.Globalization.CultureInfo.InvariantCulture);
                Directory.CreateDirectory(_store.ModelDirectory(project, version));
                reserved = new TrainingRecord
                {
                    Method = request.Training.Method.ToName(),
                    Description = new ModelDescription
                    {
                        ModelVersion = version,
                        ModelArn = LookoutArns.Model(project, version),
                        CreationTimestamp = Time.GetUtcNow(),
                        Description = request.Description,
                        Status = ModelStatus.Training,
                        StatusMessage = "Training: feature extraction, memory bank, calibration and evaluation.",
                        OutputConfig = request.OutputConfig,
                    },
                };
                _store.WriteTraining(project, reserved);
            }

            var run = new TrainingRun(_store, Time, project, reserved, request, train, test, image => entries.GetValueOrDefault(image));
            return new ModelTraining(
                MetadataOf(reserved.Description),
                trainingLock,
                (progress, token) => run.Execute(progress, token),
                () => _store.WriteTraining(project, reserved with
                {
                    Description = reserved.Description with { Status = ModelStatus.TrainingFailed, StatusMessage = "The training was never started." },
                }));
        }
        catch
        {
            trainingLock.Dispose();
            throw;
        }
    }

    public ModelDescription DescribeModel(string project, string modelVersion) => DescribeVersion(project, RequireModelVersion(project, modelVersion));

    public LookoutListModelsResponse ListModels(string project, int? maxResults = null, string? nextToken = null)
    {
        RequireProject(project);
        var models = _store.ListModelVersions(project)
            .Select(v => TryDescribe(project, v) is { } description ? MetadataOf(description) with { ModelSha256 = _store.Packaging.TryGetModel(project, v)?.ModelSha256 } : null)
            .OfType<LookoutModelMetadata>()
            .ToList();
        var (page, next) = Paging.Take(models, maxResults, nextToken);
        return new LookoutListModelsResponse(page, next);
    }

    public async Task<string> DeleteModelAsync(string project, string modelVersion, CancellationToken cancellationToken = default)
    {
        var version = RequireModelVersion(project, modelVersion);
        var description = DescribeVersion(project, version);
        if (description.Status is ModelStatus.Training)
        {
            throw new PackagingConflictException($"Model {version} of project {project} is training; delete it once it is TRAINED or TRAINING_FAILED.") { ResourceId = version, ResourceType = ResourceTypes.Model };
        }

        if (description.Status is ModelStatus.Hosted)
        {
            throw new PackagingConflictException($"Model {version} of project {project} is hosted: stop-model first.") { ResourceId = version, ResourceType = ResourceTypes.Model };
        }

        using (await _store.Packaging.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            _engines.Drop(_store.Packaging.ModelPackagePath(project, version));
            var directory = _store.ModelDirectory(project, version);
            var doomed = Path.Combine(_store.Packaging.Root, ".staging", $"deleted-{Guid.NewGuid():N}");
            Directory.CreateDirectory(Path.GetDirectoryName(doomed)!);
            Directory.Move(directory, doomed);
            AtomicFile.TryDeleteDirectory(doomed);
        }

        return LookoutArns.Model(project, version);
    }

    /// <summary>Records the model as HOSTED (this host serves any TRAINED model; the state is kept for Lookout's workflow).</summary>
    public string StartModel(string project, string modelVersion) => SetHosting(project, modelVersion, ModelStatus.Hosted, ModelStatus.StartingHosting);

    public string StopModel(string project, string modelVersion) => SetHosting(project, modelVersion, null, ModelStatus.StoppingHosting);

    private string SetHosting(string project, string modelVersion, string? hosting, string reply)
    {
        var version = RequireModelVersion(project, modelVersion);
        var description = DescribeVersion(project, version);
        if (description.Status is not (ModelStatus.Trained or ModelStatus.Hosted))
        {
            throw new PackagingValidationException($"Model {version} of project {project} is {description.Status}; only a TRAINED model can be started or stopped.");
        }

        var record = _store.TryGetTraining(project, version) ?? new TrainingRecord { Description = description with { Status = ModelStatus.Trained } };
        _store.WriteTraining(project, record with { HostingStatus = hosting });
        return reply;
    }

    private string RequireModelVersion(string project, string modelVersion)
    {
        RequireProject(project);
        if (!int.TryParse(modelVersion, out var number) || number < 1 || number.ToString(System.Globalization.CultureInfo.InvariantCulture) != modelVersion)
        {
            throw new PackagingValidationException($"ModelVersion '{modelVersion}' must be a version number (1, 2, ...).");
        }

        return Directory.Exists(_store.ModelDirectory(project, modelVersion)) && TryDescribe(project, modelVersion) is not null
            ? modelVersion
            : throw new PackagingResourceNotFoundException($"Model {modelVersion} not found in project {project}.") { ResourceId = modelVersion, ResourceType = ResourceTypes.Model };
    }

    private ModelDescription DescribeVersion(string project, string version) =>
        TryDescribe(project, version) ?? throw new PackagingResourceNotFoundException($"Model {version} not found in project {project}.") { ResourceId = version, ResourceType = ResourceTypes.Model };

    /// <summary>A trained/training/failed model's record, or an imported package's (TRAINED), with HOSTED shown when started.</summary>
    private ModelDescription? TryDescribe(string project, string version)
    {
        var training = _store.TryGetTraining(project, version);
        if (training is not null)
        {
            if (training.Description.Status == ModelStatus.Training && TryLockTraining(project) is { } free)
            {
                // Nobody holds the training lock: the process that trained it stopped.
                free.Dispose();
                training = MarkInterrupted(project, training);
            }

            return training.HostingStatus is { } hosting && training.Description.Status == ModelStatus.Trained
                ? training.Description with { Status = hosting }
                : training.Description;
        }

        var imported = _store.Packaging.TryGetModel(project, version);
        return imported is null
            ? null
            : new ModelDescription
            {
                ModelVersion = version,
                ModelArn = LookoutArns.Model(project, version),
                CreationTimestamp = imported.CreationTimestamp,
                Description = imported.Description,
                Status = ModelStatus.Trained,
                StatusMessage = "Registered from a model package.",
            };
    }

    private void MarkInterruptedTrainings(string project)
    {
        foreach (var version in _store.ListModelVersions(project))
        {
            if (_store.TryGetTraining(project, version) is { Description.Status: ModelStatus.Training } stale)
            {
                MarkInterrupted(project, stale);
            }
        }
    }

    private TrainingRecord MarkInterrupted(string project, TrainingRecord training)
    {
        var failed = training with { Description = training.Description with { Status = ModelStatus.TrainingFailed, StatusMessage = "The training process stopped before it finished." } };
        _store.WriteTraining(project, failed);
        return failed;
    }

    /// <summary>The project's training lock (an exclusive lock file), or null when a training holds it.</summary>
    private FileStream? TryLockTraining(string project)
    {
        try
        {
            return new FileStream(_store.TrainingLockPath(project), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static LookoutModelMetadata MetadataOf(ModelDescription description) => new()
    {
        CreationTimestamp = description.CreationTimestamp,
        ModelVersion = description.ModelVersion,
        ModelArn = description.ModelArn,
        Description = description.Description,
        Status = description.Status,
        StatusMessage = description.StatusMessage,
        Performance = description.Performance,
    };
}
