using EdgeInference.Core.Results;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Requests;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Worker.Hosting;

/// <summary>
/// Loads and warms the model before any head subscribes (registered ahead of the heads, so its StartAsync runs
/// first); a failure is reported as FAILED with its reason and stops the host. On stop it drains the request
/// queue after the heads stopped intake and before they disconnect.
/// </summary>
internal sealed class ModelLoaderService : IHostedService
{
    private readonly ModelHost _models;
    private readonly WorkerState _state;
    private readonly RequestQueue _queue;
    private readonly ILogger<ModelLoaderService> _logger;

    public ModelLoaderService(ModelHost models, WorkerState state, RequestQueue queue, ILogger<ModelLoaderService> logger)
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
            await Task.Run(_models.Load, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            WorkerLog.ModelLoadFailed(_logger, _models.Options.EffectivePath, ex.Message);
            await _state.ReportAsync(new WorkerStatus { Status = WorkerStates.Failed, StatusMessage = ex.Message }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => _queue.DrainAsync(cancellationToken);
}

/// <summary>Says RUNNING once every head is serving, and STOPPING first thing on shutdown (registered last).</summary>
internal sealed class ReadinessReporter : IHostedLifecycleService
{
    private readonly WorkerState _state;
    private readonly ModelHost _models;
    private readonly ILogger<ReadinessReporter> _logger;

    public ReadinessReporter(WorkerState state, ModelHost models, ILogger<ReadinessReporter> logger)
    {
        _state = state;
        _models = models;
        _logger = logger;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var model = _models.Engine?.Model;
        var provider = model?.ExecutionProvider;
        WorkerLog.Running(_logger, model?.Name ?? "?", provider?.Active ?? "?", provider?.RequestedAccelerator ?? "?", provider?.FallbackReason ?? "none");
        return _state.ReportAsync(
            new WorkerStatus
            {
                Status = WorkerStates.Running,
                ExecutionProvider = provider?.Active,
                FallbackReason = provider?.FallbackReason,
                Model = model?.ToProvenance(),
                Version = Status.DescribeService.WorkerVersion,
                ThingName = _state.Current.ThingName,
            },
            cancellationToken);
    }

    public Task StoppingAsync(CancellationToken cancellationToken) =>
        _state.ReportAsync(_state.Current with { Status = WorkerStates.Stopping, StatusMessage = "Stopping: no new requests; finishing those accepted." }, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The worker cannot start as configured.</summary>
public sealed class WorkerStartupException : Exception
{
    public WorkerStartupException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
