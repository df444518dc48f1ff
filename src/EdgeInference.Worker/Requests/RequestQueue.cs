using System.Threading.Channels;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Requests;

/// <summary>
/// Bounded concurrency: at most MaxConcurrentRequests run, at most MaxQueue wait; beyond that <see cref="TryEnqueue"/>
/// refuses at once (the dispatcher answers Busy). Runners start with <see cref="Start"/>; <see cref="DrainAsync"/> stops
/// intake and finishes everything already accepted.
/// </summary>
public sealed class RequestQueue : IAsyncDisposable
{
    private readonly Channel<Func<CancellationToken, Task>> _channel =
        Channel.CreateUnbounded<Func<CancellationToken, Task>>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly int _concurrency;
    private readonly int _capacity;
    private readonly ILogger<RequestQueue> _logger;
    private readonly CancellationTokenSource _abort = new();
    private Task[] _runners = [];
    private int _admitted;

    public RequestQueue(IOptions<LimitsOptions> limits, ILogger<RequestQueue> logger)
    {
        _logger = logger;
        _concurrency = limits.Value.MaxConcurrentRequests;
        _capacity = limits.Value.MaxConcurrentRequests + limits.Value.MaxQueue;
    }

    /// <summary>Requests accepted and not yet finished.</summary>
    public int Pending => Volatile.Read(ref _admitted);

    /// <summary>Whether <see cref="TryEnqueue"/> would accept now (it may still refuse when others get there first).</summary>
    public bool HasRoom => Pending < _capacity;

    /// <summary>Starts the runners (once).</summary>
    public void Start()
    {
        if (_runners.Length == 0)
        {
            _runners = [.. Enumerable.Range(0, _concurrency).Select(_ => Task.Run(RunAsync))];
        }
    }

    public bool TryEnqueue(Func<CancellationToken, Task> work)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity || !_channel.Writer.TryWrite(work))
        {
            Interlocked.Decrement(ref _admitted);
            return false;
        }

        return true;
    }

    /// <summary>Stops intake and waits for every accepted request to finish; when the token fires, runs still queued are told to give up.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        _channel.Writer.TryComplete();
        using var registration = cancellationToken.Register(() => _abort.Cancel());
        await Task.WhenAll(_runners).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _abort.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_runners).ConfigureAwait(false);
        _abort.Dispose();
    }

    private async Task RunAsync()
    {
        await foreach (var work in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await work(_abort.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Loop boundary: one request's failure never stops the runner.
                WorkerLog.RequestCrashed(_logger, ex);
            }
            finally
            {
                Interlocked.Decrement(ref _admitted);
            }
        }
    }
}
