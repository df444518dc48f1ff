using System.Threading.Channels;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Greengrass;
using EdgeInference.Worker.Models.Repository;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Models;

/// <summary>
/// Decides what the worker serves and keeps it so: its own model (<c>Model:Path</c>, or the bundled sample while no
/// model component is registered) and every model component registered in <c>Models:Repository</c>. Changes arrive as
/// triggers — the repository changed, the worker's configuration changed, a model component's configuration changed —
/// and are applied one at a time: a new model is loaded and warmed beside the one it replaces, then swapped in; a model
/// that cannot be loaded leaves the previous one serving, and its registrant is told why.
/// </summary>
public sealed partial class ModelManager : IAsyncDisposable
{
    /// <summary>How long a model component's load waits for the account lookup (STS) to give its ARN.</summary>
    private static readonly TimeSpan AccountWait = TimeSpan.FromSeconds(10);

    private readonly ModelCatalog _catalog;
    private readonly IInferenceEngineLoader _loader;
    private readonly IOptionsMonitor<ModelOptions> _modelOptions;
    private readonly IOptionsMonitor<PackagingDescriptionOptions> _packaging;
    private readonly LimitsOptions _limits;
    private readonly ModelsOptions _models;
    private readonly GreengrassOptions _greengrass;
    private readonly ModelRepository? _repository;
    private readonly IComponentSettingsSource _settings;
    private readonly AccountResolver _accounts;
    private readonly WorkerState _state;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelManager> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<Trigger> _triggers = Channel.CreateUnbounded<Trigger>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _lifetime = new();
    private readonly List<IDisposable> _optionListeners = [];
    private Task? _loop;
    private RepositoryWatcher? _watcher;
    private string? _lastChange;

    public ModelManager(
        ModelCatalog catalog,
        IInferenceEngineLoader loader,
        IOptionsMonitor<ModelOptions> modelOptions,
        IOptionsMonitor<PackagingDescriptionOptions> packaging,
        IOptions<LimitsOptions> limits,
        IOptions<ModelsOptions> models,
        IOptions<GreengrassOptions> greengrass,
        IComponentSettingsSource settings,
        AccountResolver accounts,
        WorkerState state,
        TimeProvider time,
        ILogger<ModelManager> logger)
    {
        _catalog = catalog;
        _loader = loader;
        _modelOptions = modelOptions;
        _packaging = packaging;
        _limits = limits.Value;
        _models = models.Value;
        _greengrass = greengrass.Value;
        _repository = string.IsNullOrWhiteSpace(_models.Repository) ? null : new ModelRepository(_models.Repository);
        _settings = settings;
        _accounts = accounts;
        _state = state;
        _time = time;
        _logger = logger;
    }

    /// <summary>The repository model components register in, or null when <c>Models:Repository</c> is empty.</summary>
    public ModelRepository? Repository => _repository;

    /// <summary>
    /// Loads and warms the worker's own model and every registered model, then follows changes. Throws when the worker's
    /// own model cannot be served (a registered model that cannot is reported to its registrant instead).
    /// </summary>
    /// <exception cref="ModelPackageException">The worker's own package is unusable.</exception>
    /// <exception cref="AcceleratorUnavailableException">Its accelerator is unavailable.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_repository is not null)
        {
            // Model components' ARNs need the account: start asking now, while the models load.
            _ = _accounts.GetAccountAsync();
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var registrations = ReadRegistrations();
            await ReconcileOwnAsync(HasUsableRegistration(registrations), initial: true, cancellationToken).ConfigureAwait(false);
            await ReconcileComponentsAsync(registrations, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        _optionListeners.Add(_modelOptions.OnChange(_ => Post(Trigger.OwnConfiguration))!);
        _optionListeners.Add(_packaging.OnChange(_ => Post(Trigger.OwnConfiguration))!);
        _loop = Task.Run(() => RunAsync(_lifetime.Token), CancellationToken.None);
        if (_repository is not null)
        {
            _watcher = new RepositoryWatcher(_repository.Folder, TimeSpan.FromSeconds(_models.RescanSeconds), () => Post(Trigger.Repository), _time, _logger);
            _watcher.Start();
        }
    }

    /// <summary>Applies a change now (tests, and the triggers' loop).</summary>
    public async Task ApplyAsync(Trigger trigger, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            switch (trigger.Kind)
            {
                case TriggerKind.Repository:
                    var registrations = ReadRegistrations();
                    await ReconcileComponentsAsync(registrations, cancellationToken).ConfigureAwait(false);
                    await ReconcileOwnAsync(HasUsableRegistration(registrations), initial: false, cancellationToken).ConfigureAwait(false);
                    break;
                case TriggerKind.OwnConfiguration:
                    await ReconcileOwnAsync(HasUsableRegistration(ReadRegistrations()), initial: false, cancellationToken).ConfigureAwait(false);
                    break;
                case TriggerKind.Component when trigger.Component is { } component:
                    await ReloadComponentAsync(component, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        finally
        {
            _gate.Release();
        }

        await PublishModelStatusAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in _optionListeners)
        {
            listener.Dispose();
        }

        _watcher?.Dispose();
        _triggers.Writer.TryComplete();
        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        foreach (var slot in _components.Values)
        {
            await slot.DisposeWatchAsync().ConfigureAwait(false);
        }

        _lifetime.Dispose();
        _gate.Dispose();
    }

    private void Post(Trigger trigger) => _triggers.Writer.TryWrite(trigger);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _triggers.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // Coalesce a burst (several files written by one registration) into one pass per kind.
                var pending = new HashSet<Trigger>();
                while (_triggers.Reader.TryRead(out var trigger))
                {
                    pending.Add(trigger);
                }

                foreach (var trigger in pending)
                {
                    try
                    {
                        await ApplyAsync(trigger, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
                    {
                        // Loop boundary: one failed change never stops the worker from following the next.
                        WorkerLog.ModelChangeFailed(_logger, trigger.ToString(), ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<IInferenceEngine> LoadAsync(ModelSettings settings, CancellationToken cancellationToken) =>
        await Task.Run(() => _loader.Load(settings.ToLoadOptions(_limits), cancellationToken), cancellationToken).ConfigureAwait(false);

    /// <summary>Says in the status which model the default topics serve now (once the worker is RUNNING).</summary>
    private Task PublishModelStatusAsync(CancellationToken cancellationToken) =>
        _state.UpdateAsync(
            current =>
            {
                // Only while RUNNING: a model change must not turn STOPPING (or FAILED) back into RUNNING.
                if (current.Status != WorkerStates.Running)
                {
                    return null;
                }

                var served = _catalog.ResolveDefault(out _, out _);
                var model = served?.Engine?.Model;
                var next = current with
                {
                    Model = served?.Provenance,
                    ExecutionProvider = model?.ExecutionProvider.Active,
                    FallbackReason = model?.ExecutionProvider.FallbackReason,
                    StatusMessage = Interlocked.Exchange(ref _lastChange, null) ?? Summary(),
                };
                return next == current ? null : next;
            },
            cancellationToken);

    /// <summary>Remembers what just changed, for the next status message.</summary>
    private void Said(string change) => _lastChange = _lastChange is null ? change : $"{_lastChange} {change}";

    private string Summary()
    {
        var models = _catalog.All;
        return models.Count == 0
            ? "No model is served."
            : "Serving " + string.Join("; ", models.Select(m => m.State == ModelState.Failed || m.StatusMessage is not null
                ? $"{m.Name} ({m.State.ToString().ToUpperInvariant()}: {m.StatusMessage})"
                : $"{m.Name} ({m.State.ToString().ToUpperInvariant()})")) + ".";
    }

    private static bool IsLoadFailure(Exception ex) =>
        ex is ModelPackageException or AcceleratorUnavailableException or IOException or UnauthorizedAccessException or OptionsValidationException;
}

public enum TriggerKind
{
    /// <summary>The model repository changed (a registration was added, replaced or removed).</summary>
    Repository,

    /// <summary>The worker's <c>Model:*</c> or <c>ModelPackagingDescription</c> configuration changed.</summary>
    OwnConfiguration,

    /// <summary>A model component's configuration changed.</summary>
    Component,
}

/// <summary>Why the served models may have to change.</summary>
public sealed record Trigger(TriggerKind Kind, string? Component = null)
{
    public static readonly Trigger Repository = new(TriggerKind.Repository);
    public static readonly Trigger OwnConfiguration = new(TriggerKind.OwnConfiguration);

    public static Trigger ComponentConfiguration(string component) => new(TriggerKind.Component, component);
}
