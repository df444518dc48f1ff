using EdgeInference.Core.Inference;

namespace EdgeInference.Worker.Models;

/// <summary>
/// A loaded engine plus a reference count: the served model holds one reference while the engine is current, each
/// running request holds one more. The engine is disposed when the last reference goes, so a swap or an unload never
/// pulls a session out from under a request.
/// </summary>
internal sealed class EngineHandle
{
    private int _references = 1;

    public EngineHandle(IInferenceEngine engine) => Engine = engine;

    public IInferenceEngine Engine { get; }

    /// <summary>Adds a reference unless the engine is already retired and released (then the caller re-reads the current one).</summary>
    public bool TryAddReference()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Engine.Dispose();
        }
    }
}

/// <summary>The engine one request runs on; dispose when the run is done.</summary>
public readonly struct EngineLease : IDisposable
{
    private readonly EngineHandle? _handle;

    internal EngineLease(EngineHandle handle) => _handle = handle;

    public IInferenceEngine Engine => _handle?.Engine ?? throw new InvalidOperationException("Empty engine lease.");

    public void Dispose() => _handle?.Release();
}
