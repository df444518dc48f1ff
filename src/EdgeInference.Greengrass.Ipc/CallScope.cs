namespace EdgeInference.Greengrass.Ipc;

/// <summary>The token of one call: the caller's token, client disposal, and the per-call timeout on the injected clock.</summary>
internal sealed class CallScope : IDisposable
{
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;

    public CallScope(CancellationToken caller, CancellationToken disposing, TimeSpan timeout, TimeProvider time)
    {
        _timeout = new CancellationTokenSource(timeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, disposing, _timeout.Token);
    }

    public CancellationToken Token => _linked.Token;

    /// <summary>True when the timeout (not the caller) ended the call.</summary>
    public bool TimedOut(CancellationToken caller) => _timeout.IsCancellationRequested && !caller.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _timeout.Dispose();
    }
}
