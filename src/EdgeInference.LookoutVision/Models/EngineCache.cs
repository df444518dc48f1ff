using System.Collections.Concurrent;
using EdgeInference.Core.Inference;

namespace EdgeInference.LookoutVision.Models;

/// <summary>Loaded engines by package path and SHA-256 (a long-running REST host loads a model once; a deleted model's engine is dropped).</summary>
internal sealed class EngineCache(IInferenceEngineLoader loader) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IInferenceEngine>> _engines = new(StringComparer.Ordinal);

    public IInferenceEngine Get(string packagePath, string sha256, CancellationToken cancellationToken)
    {
        var key = $"{packagePath}|{sha256}";
        var lazy = _engines.GetOrAdd(key, _ => new Lazy<IInferenceEngine>(
            () => loader.Load(new ModelLoadOptions { PackagePath = packagePath, Accelerator = Accelerator.Cpu }, cancellationToken),
            LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _engines.TryRemove(key, out _);
            throw;
        }
    }

    public void Drop(string packagePath)
    {
        foreach (var key in _engines.Keys.Where(k => k.StartsWith(packagePath + "|", StringComparison.Ordinal)))
        {
            if (_engines.TryRemove(key, out var lazy) && lazy.IsValueCreated)
            {
                lazy.Value.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var lazy in _engines.Values.Where(l => l.IsValueCreated))
        {
            lazy.Value.Dispose();
        }

        _engines.Clear();
    }
}
