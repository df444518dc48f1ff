using EdgeInference.Core.Inference;

namespace EdgeInference.Worker.Requests;

/// <summary>
/// The runs of one engine: at most <c>maxRuns</c> at once, each taking the prepared requests that wait (up to the batch
/// limit) as one ONNX Runtime run. A run whose batch is not full waits up to the batching delay, from its first
/// request's arrival, for more. Requests that arrive while a run is busy wait and run together after it, so under load
/// the batch grows by itself and, alone, a request runs at once with every core. Time comes from
/// <see cref="TimeProvider"/> (tests drive the window with fake time).
/// </summary>
public sealed class RunLane
{
    private readonly IInferenceEngine _engine;
    private readonly int _maxBatch;
    private readonly int _maxRuns;
    private readonly TimeSpan _delay;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly Queue<Entry> _waiting = new();
    private int _drainers;
    private int _collecting;
    private TaskCompletionSource? _filled;

    public RunLane(IInferenceEngine engine, int maxBatch, int maxRuns, TimeSpan delay, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRuns, 1);
        _engine = engine;
        _maxBatch = Math.Min(maxBatch, Math.Max(1, engine.MaxBatchSize));
        _maxRuns = maxRuns;
        _delay = delay;
        _time = time;
    }

    /// <summary>The batch limit in force: the configured one capped by the model's.</summary>
    public int MaxBatch => _maxBatch;

    /// <summary>Requests prepared and waiting for a run.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="image"/> in the next run with room; completes with its output and when that run started
    /// (<see cref="TimeProvider.GetTimestamp"/>). A failed run fails every request in it with the run's exception.
    /// </summary>
    public Task<LaneResult> RunAsync(PreparedImage image, CancellationToken cancellationToken = default)
    {
        var entry = new Entry(image, _time.GetTimestamp(), cancellationToken);
        var start = false;
        lock (_gate)
        {
            _waiting.Enqueue(entry);
            if (_waiting.Count >= _maxBatch)
            {
                _filled?.TrySetResult();
            }

            // A drainer already collecting takes this request; otherwise start one while runs are free.
            if (_collecting == 0 && _drainers < _maxRuns)
            {
                _drainers++;
                _collecting++;
                start = true;
            }
        }

        if (start)
        {
            _ = Task.Run(DrainAsync, CancellationToken.None);
        }

        return entry.Completion.Task;
    }

    private async Task DrainAsync()
    {
        // Bounded: each pass runs at least one waiting request or leaves.
        while (true)
        {
            Entry first;
            TaskCompletionSource? filled = null;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _collecting--;
                    _drainers--;
                    return;
                }

                first = _waiting.Peek();
                if (_delay > TimeSpan.Zero && _waiting.Count < _maxBatch)
                {
                    filled = _filled ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            if (filled is not null)
            {
                var remaining = _delay - _time.GetElapsedTime(first.Enqueued);
                if (remaining > TimeSpan.Zero)
                {
                    using var stop = new CancellationTokenSource();
                    var window = Task.Delay(remaining, _time, stop.Token);
                    await Task.WhenAny(filled.Task, window).ConfigureAwait(false);
                    await stop.CancelAsync().ConfigureAwait(false);
                }
            }

            var batch = new List<Entry>(_maxBatch);
            lock (_gate)
            {
                while (batch.Count < _maxBatch && _waiting.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (ReferenceEquals(_filled, filled))
                {
                    _filled = null;
                }

                // This drainer now runs; a request arriving meanwhile starts another drainer if runs are free.
                _collecting--;
            }

            Run(batch);
            lock (_gate)
            {
                _collecting++;
            }
        }
    }

    private void Run(List<Entry> batch)
    {
        var live = batch.Where(e => !e.Cancellation.IsCancellationRequested).ToList();
        foreach (var cancelled in batch.Where(e => e.Cancellation.IsCancellationRequested))
        {
            cancelled.Completion.TrySetCanceled(cancelled.Cancellation);
        }

        if (live.Count == 0)
        {
            return;
        }

        var started = _time.GetTimestamp();
        try
        {
            var outputs = _engine.InferBatch(live.Select(e => e.Image).ToArray(), live[0].Cancellation);
            for (var i = 0; i < live.Count; i++)
            {
                live[i].Completion.TrySetResult(new LaneResult(outputs[i], started));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Loop boundary: a failed run answers each of its requests with the failure; the lane keeps serving.
            foreach (var entry in live)
            {
                entry.Completion.TrySetException(ex);
            }
        }
    }

    private sealed record Entry(PreparedImage Image, long Enqueued, CancellationToken Cancellation)
    {
        public TaskCompletionSource<LaneResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>One request's share of a run: its output and when the run started.</summary>
public readonly record struct LaneResult(InferenceOutput Output, long RunStarted);
