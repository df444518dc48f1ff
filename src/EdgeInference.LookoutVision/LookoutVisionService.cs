using EdgeInference.Core.Inference;
using EdgeInference.LookoutVision.Datasets;
using EdgeInference.LookoutVision.Models;
using EdgeInference.LookoutVision.Store;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Jobs;
using EdgeInference.Packaging.Store;

namespace EdgeInference.LookoutVision;

/// <summary>What the Lookout for Vision operations need from outside.</summary>
public sealed record LookoutVisionDependencies
{
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where <c>s3://</c> manifests and images are read (null: the SDK's Region from the environment).</summary>
    public S3Settings? S3 { get; init; }

    /// <summary>Loads trained models for DetectAnomalies (the worker's engine: the Onnx project's loader).</summary>
    public required IInferenceEngineLoader EngineLoader { get; init; }
}

/// <summary>
/// Lookout for Vision's project, dataset and model operations on the local store, with its shapes and errors
/// (<see cref="PackagingValidationException"/>, <see cref="PackagingResourceNotFoundException"/>, <see cref="PackagingConflictException"/>).
/// The CLI and the REST host both call this.
/// </summary>
public sealed partial class LookoutVisionService : IDisposable
{
    private readonly LookoutStore _store;
    private readonly LookoutVisionDependencies _dependencies;
    private readonly PackagingService _packaging;
    private readonly EngineCache _engines;

    public LookoutVisionService(PackagingStore store, LookoutVisionDependencies dependencies)
    {
        _store = new LookoutStore(store);
        _dependencies = dependencies;
        _packaging = new PackagingService(store, dependencies.TimeProvider);
        _engines = new EngineCache(dependencies.EngineLoader);
    }

    public LookoutStore Store => _store;

    public void Dispose() => _engines.Dispose();

    private TimeProvider Time => _dependencies.TimeProvider;

    private ProjectRecord RequireProject(string project)
    {
        PackagingRequestValidator.ValidateProjectName(project);
        return _store.TryGetProject(project)
            ?? throw new PackagingResourceNotFoundException($"Project {project} not found.") { ResourceId = project, ResourceType = ResourceTypes.Project };
    }
}
