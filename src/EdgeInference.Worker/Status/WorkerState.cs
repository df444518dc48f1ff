using EdgeInference.Core.Results;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Status;

/// <summary>Publishes status changes on one transport (retained MQTT message, Greengrass UpdateState, ...).</summary>
public interface IStatusPublisher
{
    Task PublishStatusAsync(WorkerStatus status, CancellationToken cancellationToken = default);
}

/// <summary>The worker's lifecycle status and request counters, shared by every head.</summary>
public sealed class WorkerState
{
    private readonly TimeProvider _timeProvider;
    private readonly List<IStatusPublisher> _publishers = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _reporting = new(1, 1);
    private long _served;
    private long _failed;
    private long _rejected;
    private int _inFlight;

    /// <summary>What STARTING says (README: every status carries a StatusMessage).</summary>
    public const string StartingMessage = "Starting: connecting, then loading and warming the models; requests are served once RUNNING.";

    public WorkerState(TimeProvider timeProvider, IOptions<WorkerOptions> worker)
    {
        _timeProvider = timeProvider;
        Current = new WorkerStatus
        {
            Status = WorkerStates.Starting,
            StatusMessage = StartingMessage,
            ThingName = worker.Value.EffectiveThingName,
            Version = WorkerVersion.Current,
            Timestamp = timeProvider.GetUtcNow(),
        };
    }

    public WorkerStatus Current { get; private set; }

    public RuntimeCounters Counters => new()
    {
        Served = Interlocked.Read(ref _served),
        Failed = Interlocked.Read(ref _failed),
        Rejected = Interlocked.Read(ref _rejected),
        InFlight = Volatile.Read(ref _inFlight),
    };

    public void AddPublisher(IStatusPublisher publisher)
    {
        lock (_gate)
        {
            _publishers.Add(publisher);
        }
    }

    /// <summary>Records a new status and waits until every publisher has sent it (failures are theirs to log).</summary>
    public Task ReportAsync(WorkerStatus status, CancellationToken cancellationToken = default) =>
        UpdateAsync(_ => status, cancellationToken);

    /// <summary>
    /// Derives the next status from the current one and publishes it, one change at a time: a change computed from a
    /// status that another has replaced meanwhile (a model update racing STOPPING) cannot overwrite it, and publishers
    /// send statuses in the order they were recorded. <paramref name="change"/> returns null to leave the status as it is.
    /// </summary>
    public async Task UpdateAsync(Func<WorkerStatus, WorkerStatus?> change, CancellationToken cancellationToken = default)
    {
        await _reporting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            IStatusPublisher[] publishers;
            WorkerStatus current;
            lock (_gate)
            {
                if (change(Current) is not { } status)
                {
                    return;
                }

                Current = status with { ThingName = status.ThingName ?? Current.ThingName, Version = status.Version ?? Current.Version, Timestamp = _timeProvider.GetUtcNow() };
                current = Current;
                publishers = [.. _publishers];
            }

            foreach (var publisher in publishers)
            {
                await publisher.PublishStatusAsync(current, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _reporting.Release();
        }
    }

    public void RequestStarted() => Interlocked.Increment(ref _inFlight);

    public void RequestFinished(bool succeeded)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref succeeded ? ref _served : ref _failed);
    }

    /// <summary>A request refused before it ran: Busy counts as rejected, anything else as failed.</summary>
    public void RequestRefused(bool busy) => Interlocked.Increment(ref busy ? ref _rejected : ref _failed);
}
