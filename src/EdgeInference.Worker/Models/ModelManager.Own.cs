using EdgeInference.Core.Inference;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Models;

public sealed partial class ModelManager
{
    private ModelSettings? _ownSettings;
    private string? _ownName;
    private bool _sampleRetired;

    /// <summary>
    /// Serves the worker's own model as configured: <c>Model:Path</c> always; the bundled sample only while no model
    /// component is registered. Reloads when its settings changed (value equality), keeping the old model on failure.
    /// </summary>
    private async Task ReconcileOwnAsync(bool componentsRegistered, bool initial, CancellationToken cancellationToken)
    {
        ModelSettings settings;
        try
        {
            var options = _modelOptions.CurrentValue;
            settings = new ModelSettings(options, _packaging.CurrentValue, options.EffectivePath);
        }
        catch (OptionsValidationException ex) when (!initial)
        {
            ReportOwnFailure(_ownSettings?.PackagePath ?? "(unknown)", string.Join(" ", ex.Failures));
            return;
        }

        // The sample stands in only until the first model component registers; it does not come back when they leave
        // (they leave on every shutdown, Shutdown steps first: loading a 60 MB model then would be wasted work).
        _sampleRetired |= settings.Options.UsesSample && componentsRegistered;
        if (settings.Options.UsesSample && _sampleRetired)
        {
            if (_ownName is not null)
            {
                WorkerLog.SampleRetired(_logger, _ownName);
                Said($"The bundled sample {_ownName} is no longer served: model components are registered.");
                _catalog.Remove(_ownName);
                (_ownName, _ownSettings) = (null, null);
            }

            return;
        }

        if (settings == _ownSettings)
        {
            return;
        }

        if (_ownSettings is not null)
        {
            WorkerLog.ModelSwapStarted(_logger, _ownSettings.PackagePath, settings.PackagePath);
        }

        IInferenceEngine engine;
        try
        {
            engine = await LoadAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!initial && IsLoadFailure(ex))
        {
            ReportOwnFailure(settings.PackagePath, ex.Message);
            return;
        }

        var name = engine.Model.Name;
        if (_catalog.Find(name) is { Origin: ModelOrigin.Component } taken)
        {
            engine.Dispose();
            var reason = $"Model name '{name}' is already served by component {taken.ComponentName}.";
            if (initial)
            {
                throw new ModelPackageException(reason);
            }

            ReportOwnFailure(settings.PackagePath, reason);
            return;
        }

        var origin = settings.Options.UsesSample ? ModelOrigin.Sample : ModelOrigin.Configured;
        var served = _ownName == name && _catalog.Find(name) is { } current && current.Origin == origin ? current : new ServedModel(name, origin);
        served.Install(engine, Provenance.ForOwnModel(engine.Model, name));
        _catalog.Put(served, replacing: _ownName);
        if (_ownSettings is not null)
        {
            WorkerLog.ModelSwapped(_logger, name, engine.Model.Sha256, engine.Model.PackagePath);
            Said($"Model swapped to {name} ({engine.Model.PackagePath}) after a configuration update.");
        }

        (_ownName, _ownSettings) = (name, settings);
    }

    private void ReportOwnFailure(string path, string reason)
    {
        WorkerLog.ModelSwapFailed(_logger, path, reason);
        var message = $"Model update to '{path}' failed; still serving the previous model: {reason}";
        Said(message);
        if (_ownName is not null && _catalog.Find(_ownName) is { } current)
        {
            current.Fail(message);
        }
    }
}
