using EdgeInference.Worker.Requests;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Hosting;

namespace EdgeInference.Worker.Heads;

/// <summary>
/// Drives the selected head through the host's lifecycle. Registered after the model loader and before the readiness
/// reporter, so: connect and say STARTING (StartingAsync, before the models load), subscribe once they are warm
/// (StartAsync), stop intake first on shutdown (StoppingAsync), disconnect last (StoppedAsync, after the queue drained).
/// </summary>
internal sealed class HeadService : IHostedLifecycleService
{
    private readonly IRequestHead _head;
    private readonly RequestDispatcher _dispatcher;
    private readonly RequestQueue _queue;
    private readonly WorkerState _state;

    public HeadService(IRequestHead head, RequestDispatcher dispatcher, RequestQueue queue, WorkerState state)
    {
        _head = head;
        _dispatcher = dispatcher;
        _queue = queue;
        _state = state;
    }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await _head.ConnectAsync(cancellationToken).ConfigureAwait(false);
        _state.AddPublisher(_head);
        await _head.PublishStatusAsync(_state.Current, cancellationToken).ConfigureAwait(false);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _queue.Start();
        try
        {
            await _head.StartIntakeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Ipc.IpcHeadException or Mqtt.MqttHeadException)
        {
            // Said before the host stops: the status topic and the nucleus (ERRORED) both carry the reason.
            await _state.UpdateAsync(current => current with { Status = Core.Results.WorkerStates.Failed, StatusMessage = ex.Message }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _dispatcher.StopIntake();
        await _head.StopIntakeAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => _head.DisconnectAsync(cancellationToken);
}
