using System.Threading.Channels;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Requests;

/// <summary>
/// Bounded concurrency: at most MaxConcurrentRequests run, at most MaxQueue wait; beyond that
/// <see cref="TryEnqueue"/> refuses at once (the head answers Busy). <see cref="DrainAsync"/> stops
/// intake and finishes everything already accepted.
/// </summary>
public sealed class RequestQueue : IAsyncDisposable
{
    private readonly Channel<Func<Task>> _channel = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Task[] _runners;
    private readonly int _capacity;
    private readonly ILogger<RequestQueue> _logger;
    private int _admitted;

    public RequestQueue(IOptions<LimitsOptions> limits, ILogger<RequestQueue> logger)
    {
        _logger = logger;
        _capacity = limits.Value.MaxConcurrentRequests + limits.Value.MaxQueue;
        _runners = Enumerable.Range(0, limits.Value.MaxConcurrentRequests)
            .Select(_ => Task.Run(RunAsync))
            .ToArray();
    }

    /// <summary>Requests accepted and not yet finished.</summary>
    public int Pending => Volatile.Read(ref _admitted);

    public bool TryEnqueue(Func<Task> work)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return false;
        }

        if (!_channel.Writer.TryWrite(work))
        {
            Interlocked.Decrement(ref _admitted);
            return false;
        }

        return true;
    }

    /// <summary>Stops intake and waits for every accepted request to finish (or the token to fire).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        _channel.Writer.TryComplete();
        await Task.WhenAll(_runners).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await Task.WhenAll(_runners).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        await foreach (var work in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await work().ConfigureAwait(false);
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
