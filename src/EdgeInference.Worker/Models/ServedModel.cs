using EdgeInference.Core.Inference;
using EdgeInference.Core.Packaging;
using EdgeInference.Core.Results;

namespace EdgeInference.Worker.Models;

/// <summary>Where a served model comes from.</summary>
public enum ModelOrigin
{
    /// <summary><c>Model:Path</c> of the worker's own configuration.</summary>
    Configured,

    /// <summary>The bundled ResNet18 sample, served while no model is configured or registered.</summary>
    Sample,

    /// <summary>A model component that registered in the model repository.</summary>
    Component,
}

/// <summary>A served model's state.</summary>
public enum ModelState
{
    Loading,
    Loaded,
    Failed,
}

/// <summary>
/// One named model the worker serves: its origin, state and provenance, and the engine requests lease. A new engine
/// replaces the current one atomically; the old one is disposed after the last request running on it.
/// </summary>
public sealed class ServedModel : IDisposable
{
    private readonly Lock _gate = new();
    private volatile EngineHandle? _current;
    private volatile ModelProvenance? _provenance;

    public ServedModel(string name, ModelOrigin origin, string? componentName = null, string? componentVersion = null)
    {
        Name = name;
        Origin = origin;
        ComponentName = componentName;
        ComponentVersion = componentVersion;
        State = ModelState.Loading;
    }

    public string Name { get; }

    public ModelOrigin Origin { get; }

    /// <summary>The model component that registered it (origin <see cref="ModelOrigin.Component"/>).</summary>
    public string? ComponentName { get; }

    public string? ComponentVersion { get; }

    public ModelState State { get; private set; }

    public string? StatusMessage { get; private set; }

    /// <summary>The engine serving now (metadata only: requests take a <see cref="TryAcquire"/> lease).</summary>
    public IInferenceEngine? Engine => _current?.Engine;

    /// <summary>What results carry: component, version, ARN (null when unknown), model version and SHA-256.</summary>
    public ModelProvenance? Provenance => _provenance;

    /// <summary>The packaging description in force (configuration or manifest).</summary>
    public ModelPackagingDescription? PackagingDescription => Engine?.Model.ModelPackagingDescription;

    public bool TryAcquire(out EngineLease lease)
    {
        while (_current is { } handle)
        {
            if (handle.TryAddReference())
            {
                lease = new EngineLease(handle);
                return true;
            }
        }

        lease = default;
        return false;
    }

    /// <summary>Makes <paramref name="engine"/> current (LOADED); the previous engine goes after its last request.</summary>
    public void Install(IInferenceEngine engine, ModelProvenance provenance, string? statusMessage = null)
    {
        EngineHandle? previous;
        lock (_gate)
        {
            _provenance = provenance;
            previous = Interlocked.Exchange(ref _current, new EngineHandle(engine));
            State = ModelState.Loaded;
            StatusMessage = statusMessage;
        }

        previous?.Release();
    }

    /// <summary>Replaces the provenance (the ARN became known).</summary>
    public void UpdateProvenance(ModelProvenance provenance) => _provenance = provenance;

    /// <summary>Records why the model cannot be served; an engine already serving keeps serving.</summary>
    public void Fail(string reason)
    {
        lock (_gate)
        {
            StatusMessage = reason;
            if (_current is null)
            {
                State = ModelState.Failed;
            }
        }
    }

    public void Dispose() => Interlocked.Exchange(ref _current, null)?.Release();
}
