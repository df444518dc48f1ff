namespace EdgeInference.Worker.Heads.Mqtt;

/// <summary>
/// Messages the MQTT head is still handling — dispatching and then acknowledging — so a disconnect can wait for their
/// PUBACKs: a message whose PUBACK never left is delivered again to the next session, and answered twice.
/// </summary>
internal sealed class InFlightMessages
{
    private readonly object _gate = new();
    private int _count;
    private TaskCompletionSource? _idle;

    /// <summary>Messages being handled now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>One more message is being handled; dispose the result when it is acknowledged (or given up).</summary>
    public Handling Begin()
    {
        lock (_gate)
        {
            _count++;
        }

        return new Handling(this);
    }

    /// <summary>Completes when no message is being handled, or when <paramref name="timeout"/> has passed (false then).</summary>
    public async Task<bool> WaitIdleAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default)
    {
        Task idle;
        lock (_gate)
        {
            if (_count == 0)
            {
                return true;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = _idle.Task;
        }

        try
        {
            await idle.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void End()
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            if (--_count == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }

        idle?.TrySetResult();
    }

    /// <summary>The handling of one message; ends when disposed.</summary>
    public readonly struct Handling : IDisposable
    {
        private readonly InFlightMessages? _owner;

        internal Handling(InFlightMessages owner) => _owner = owner;

        public void Dispose() => _owner?.End();
    }
}
