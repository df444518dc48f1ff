using EdgeInference.Core.Inference;
using EdgeInference.Greengrass.Ipc;
using EdgeInference.Worker.Greengrass;
using EdgeInference.Worker.Models.Repository;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Models;

public sealed partial class ModelManager
{
    private readonly Dictionary<string, ComponentSlot> _components = new(StringComparer.Ordinal);

    /// <summary>What the repository holds now, as the worker last handled it (describe shows it).</summary>
    public IReadOnlyList<RegistrationReport> Registrations
    {
        get
        {
            lock (_components)
            {
                return [.. _components.Values.Select(s => s.Report).OrderBy(r => r.Component, StringComparer.Ordinal)];
            }
        }
    }

    private IReadOnlyList<RegistrationEntry> ReadRegistrations() => _repository?.ReadAll() ?? [];

    private static bool HasUsableRegistration(IReadOnlyList<RegistrationEntry> entries) => entries.Any(e => e.Registration is not null);

    /// <summary>
    /// Brings the served component models in line with the repository: new and replaced registrations are loaded (first
    /// registered, first named: a later registration of a model name already served fails), removed ones unloaded.
    /// </summary>
    private async Task ReconcileComponentsAsync(IReadOnlyList<RegistrationEntry> entries, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_ownName is not null && _ownSettings is { Options.UsesSample: false })
        {
            claimed[_ownName] = "the worker's own Model:Path";
        }

        var ordered = entries
            .OrderBy(e => e.Registration?.RegisteredAt ?? DateTimeOffset.MaxValue)
            .ThenBy(e => e.Component, StringComparer.Ordinal);
        foreach (var entry in ordered)
        {
            seen.Add(entry.Component);
            if (entry.Registration is not { } registration)
            {
                FailUnreadable(entry);
                continue;
            }

            var problem = Validate(registration);
            var clash = false;
            if (problem is null && claimed.TryGetValue(registration.ModelName, out var owner) && owner != registration.Component)
            {
                clash = true;
                problem = $"Model name '{registration.ModelName}' is already served by {owner}; give this model another name (the ModelName configuration key of {registration.Component}).";
            }

            var slot = Slot(registration.Component);
            if (problem is not null)
            {
                if (slot?.Registration.RegistrationId != registration.RegistrationId || slot.Report.Status != RegistrationStatus.Failed)
                {
                    await FailAsync(registration, problem, servedByOthers: clash).ConfigureAwait(false);
                }

                continue;
            }

            claimed[registration.ModelName] = registration.Component;
            if (slot?.Registration.RegistrationId == registration.RegistrationId)
            {
                continue;
            }

            await LoadComponentAsync(registration, slot, cancellationToken).ConfigureAwait(false);
        }

        foreach (var gone in _components.Keys.Where(c => !seen.Contains(c)).ToList())
        {
            await UnloadAsync(gone).ConfigureAwait(false);
        }
    }

    private async Task ReloadComponentAsync(string component, CancellationToken cancellationToken)
    {
        if (Slot(component) is { } slot && _repository?.ReadRegistration(component) is { } registration && registration.RegistrationId == slot.Registration.RegistrationId)
        {
            await LoadComponentAsync(registration, slot, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task LoadComponentAsync(ModelRegistration registration, ComponentSlot? slot, CancellationToken cancellationToken)
    {
        var component = registration.Component;
        ComponentSettings componentSettings;
        try
        {
            componentSettings = await _settings.GetAsync(component, cancellationToken).ConfigureAwait(false);
        }
        catch (ComponentNotDeployedException ex)
        {
            await FailAsync(registration, $"{ex.Message} The registration is stale: remove it with 'models unregister --component {component}'.", servedByOthers: false).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is GreengrassConnectionException or GreengrassIpcException)
        {
            WorkerLog.ComponentSettingsUnavailable(_logger, component, ex.Message);
            componentSettings = ComponentSettings.None;
        }

        ModelSettings settings;
        try
        {
            settings = new ModelSettings(
                ModelSettings.WithOverrides(_modelOptions.CurrentValue, componentSettings.Model, component),
                PackagingDescriptionOptions.FromNode(componentSettings.PackagingDescription),
                registration.Package);
        }
        catch (OptionsValidationException ex)
        {
            await FailAsync(registration, $"The configuration of {component} is invalid: {string.Join(" ", ex.Failures)}", servedByOthers: false).ConfigureAwait(false);
            return;
        }

        if (slot is not null && slot.Registration.RegistrationId == registration.RegistrationId && settings == slot.Settings)
        {
            return;
        }

        IInferenceEngine engine;
        try
        {
            engine = await LoadAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsLoadFailure(ex))
        {
            await FailAsync(registration, ex.Message, servedByOthers: false).ConfigureAwait(false);
            return;
        }

        var account = await AccountForArnAsync(cancellationToken).ConfigureAwait(false);
        var provenance = Provenance.ForComponent(engine.Model, registration.ModelName, component, registration.ComponentVersion, _greengrass.EffectiveRegion, account);
        var sameRegistration = slot?.Registration.RegistrationId == registration.RegistrationId;
        var served = sameRegistration && _catalog.Find(registration.ModelName) is { } current && current.ComponentName == component
            ? current
            : new ServedModel(registration.ModelName, ModelOrigin.Component, component, registration.ComponentVersion);
        served.Install(engine, provenance);
        var renamedFrom = slot is not null && _catalog.Find(slot.Registration.ModelName)?.ComponentName == component ? slot.Registration.ModelName : null;
        _catalog.Put(served, replacing: renamedFrom);
        var watch = slot?.Watch ?? await WatchAsync(component, cancellationToken).ConfigureAwait(false);
        SetSlot(new ComponentSlot(registration, settings, watch, Report(registration, RegistrationStatus.Loaded, null)));
        WriteStatus(registration, RegistrationStatus.Loaded, null, engine.Model.Sha256);
        WorkerLog.ComponentModelLoaded(_logger, registration.ModelName, component, registration.ComponentVersion ?? "?", engine.Model.ExecutionProvider.Active);
        Said($"Now serving model {registration.ModelName} of {component} {registration.ComponentVersion}.");
    }

    /// <summary>
    /// Records why a registration cannot be served and tells its registrant. A model the same component already serves
    /// keeps serving; <paramref name="servedByOthers"/> (a name clash) never touches the served model of that name.
    /// </summary>
    private async Task FailAsync(ModelRegistration registration, string reason, bool servedByOthers)
    {
        var component = registration.Component;
        WorkerLog.ComponentModelFailed(_logger, registration.ModelName, component, reason);
        Said($"Model {registration.ModelName} of {component} cannot be served: {reason}");
        var existing = _catalog.Find(registration.ModelName);
        if (!servedByOthers)
        {
            if (existing is { Engine: not null } serving && serving.ComponentName == component)
            {
                serving.Fail($"The update of {component} failed; still serving its previous version: {reason}");
            }
            else if (existing is null || existing.ComponentName == component)
            {
                var failed = new ServedModel(registration.ModelName, ModelOrigin.Component, component, registration.ComponentVersion);
                failed.Fail(reason);
                _catalog.Put(failed);
            }
        }

        var slot = Slot(component);
        SetSlot(new ComponentSlot(registration, slot?.Settings, slot?.Watch, Report(registration, RegistrationStatus.Failed, reason)));
        WriteStatus(registration, RegistrationStatus.Failed, reason, null);
        await Task.CompletedTask.ConfigureAwait(false);
    }

    private void FailUnreadable(RegistrationEntry entry)
    {
        WorkerLog.RegistrationUnreadable(_logger, entry.Component, entry.Problem ?? "?");
    }

    private async Task UnloadAsync(string component)
    {
        ComponentSlot? slot;
        lock (_components)
        {
            _components.Remove(component, out slot);
        }

        if (slot is null)
        {
            return;
        }

        if (_catalog.Find(slot.Registration.ModelName)?.ComponentName == component)
        {
            _catalog.Remove(slot.Registration.ModelName);
        }

        await slot.DisposeWatchAsync().ConfigureAwait(false);
        TryRemoveStatus(component);
        WorkerLog.ComponentModelUnloaded(_logger, slot.Registration.ModelName, component);
        Said($"Model {slot.Registration.ModelName} of {component} is no longer served.");
    }

    private string? Validate(ModelRegistration registration)
    {
        if (!ModelNames.IsValid(registration.Component))
        {
            return $"The component name '{registration.Component}' is not valid ({ModelNames.Rule}).";
        }

        if (!ModelNames.IsValid(registration.ModelName))
        {
            return $"The model name '{registration.ModelName}' is not valid ({ModelNames.Rule}).";
        }

        if (!Directory.Exists(registration.Package) && !File.Exists(registration.Package))
        {
            return $"The model package '{registration.Package}' does not exist.";
        }

        return null;
    }

    private async Task<IAsyncDisposable?> WatchAsync(string component, CancellationToken cancellationToken)
    {
        if (!_settings.IsAvailable)
        {
            return null;
        }

        try
        {
            return await _settings.WatchAsync(component, _ => { Post(Trigger.ComponentConfiguration(component)); return Task.CompletedTask; }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is GreengrassIpcException or GreengrassConnectionException)
        {
            WorkerLog.ComponentSettingsUnavailable(_logger, component, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// The account for a component model's derived ARN: waited for a little while the lookup is under way (a model's
    /// first results should carry its ARN); if it takes longer, results carry null until it is known and then the ARN.
    /// </summary>
    private async Task<string?> AccountForArnAsync(CancellationToken cancellationToken)
    {
        var lookup = _accounts.GetAccountAsync();
        try
        {
            return await lookup.WaitAsync(AccountWait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _ = FillInArnsWhenAccountKnownAsync();
            return null;
        }
    }

    /// <summary>Component models served before the account was known get their ARN once it is.</summary>
    private async Task FillInArnsWhenAccountKnownAsync()
    {
        var account = await _accounts.GetAccountAsync().ConfigureAwait(false);
        if (account is null)
        {
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var model in _catalog.All.Where(m => m.Origin == ModelOrigin.Component && m.Engine is not null && m.Provenance?.ComponentVersionArn is null))
            {
                model.UpdateProvenance(Provenance.ForComponent(model.Engine!.Model, model.Name, model.ComponentName!, model.ComponentVersion, _greengrass.EffectiveRegion, account));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private ComponentSlot? Slot(string component)
    {
        lock (_components)
        {
            return _components.GetValueOrDefault(component);
        }
    }

    private void SetSlot(ComponentSlot slot)
    {
        lock (_components)
        {
            _components[slot.Registration.Component] = slot;
        }
    }

    private RegistrationReport Report(ModelRegistration registration, string status, string? message) =>
        new(registration.Component, registration.ComponentVersion, registration.ModelName, status, message, _time.GetUtcNow());

    private void WriteStatus(ModelRegistration registration, string status, string? message, string? sha256)
    {
        try
        {
            _repository?.WriteStatus(registration.Component, new RegistrationStatus
            {
                RegistrationId = registration.RegistrationId,
                Status = status,
                StatusMessage = message,
                ModelName = registration.ModelName,
                Sha256 = sha256,
                UpdatedAt = _time.GetUtcNow(),
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WorkerLog.RegistrationStatusNotWritten(_logger, registration.Component, ex.Message);
        }
    }

    private void TryRemoveStatus(string component)
    {
        try
        {
            _repository?.RemoveStatus(component);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WorkerLog.RegistrationStatusNotWritten(_logger, component, ex.Message);
        }
    }

    /// <summary>A registration as handled: what it asked for, what it was loaded with, and the watch on its configuration.</summary>
    private sealed record ComponentSlot(ModelRegistration Registration, ModelSettings? Settings, IAsyncDisposable? Watch, RegistrationReport Report)
    {
        public async Task DisposeWatchAsync()
        {
            if (Watch is not null)
            {
                await Watch.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

/// <summary>One registration as the worker handled it (describe's <c>Registrations</c>).</summary>
public sealed record RegistrationReport(string Component, string? ComponentVersion, string ModelName, string Status, string? StatusMessage, DateTimeOffset UpdatedAt);
