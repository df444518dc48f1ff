using EdgeInference.Core.Results;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Requests;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Worker.Hosting;

/// <summary>
/// Loads and warms the models before the head subscribes (registered ahead of it, so its StartAsync runs first); a
/// failure of the worker's own model is reported as FAILED with its reason and stops the host. On stop it drains the
/// request queue after the head stopped intake and before it disconnects.
/// </summary>
internal sealed class ModelLoaderService : IHostedService
{
    private readonly ModelManager _models;
    private readonly WorkerState _state;
    private readonly RequestQueue _queue;
    private readonly ILogger<ModelLoaderService> _logger;

    public ModelLoaderService(ModelManager models, WorkerState state, RequestQueue queue, ILogger<ModelLoaderService> logger)
    {
        _models = models;
        _state = state;
        _queue = queue;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _models.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            WorkerLog.ModelLoadFailed(_logger, ex.Message);
            await _state.ReportAsync(new WorkerStatus { Status = WorkerStates.Failed, StatusMessage = ex.Message }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => _queue.DrainAsync(cancellationToken);
}

/// <summary>Says RUNNING once the head is serving, and STOPPING first thing on shutdown (registered last).</summary>
internal sealed class ReadinessReporter : IHostedLifecycleService
{
    private readonly WorkerState _state;
    private readonly ModelCatalog _catalog;
    private readonly ILogger<ReadinessReporter> _logger;

    public ReadinessReporter(WorkerState state, ModelCatalog catalog, ILogger<ReadinessReporter> logger)
    {
        _state = state;
        _catalog = catalog;
        _logger = logger;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var current = _catalog.ResolveDefault(out _, out var reason);
        var model = current?.Engine?.Model;
        var provider = model?.ExecutionProvider;
        var served = string.Join(", ", _catalog.All.Select(m => $"{m.Name} ({m.State.ToString().ToUpperInvariant()})"));
        WorkerLog.Running(_logger, served.Length == 0 ? "none" : served, current?.Name ?? reason ?? "none", provider?.Active ?? "?", provider?.FallbackReason ?? "none");
        return _state.ReportAsync(
            new WorkerStatus
            {
                Status = WorkerStates.Running,
                StatusMessage = served.Length == 0 ? "Serving no model yet." : $"Serving {served}.",
                ExecutionProvider = provider?.Active,
                FallbackReason = provider?.FallbackReason,
                Model = current?.Provenance,
                ThingName = _state.Current.ThingName,
            },
            cancellationToken);
    }

    public Task StoppingAsync(CancellationToken cancellationToken) =>
        _state.UpdateAsync(current => current with { Status = WorkerStates.Stopping, StatusMessage = "Stopping: no new requests; finishing those accepted." }, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
