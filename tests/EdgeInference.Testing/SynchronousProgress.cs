namespace EdgeInference.Testing;

/// <summary>An <see cref="IProgress{T}"/> that records each report at once, in order (Progress&lt;T&gt; posts them later).</summary>
public sealed class SynchronousProgress(List<string> sink) : IProgress<string>
{
    public void Report(string value)
    {
        lock (sink)
        {
            sink.Add(value);
        }
    }
}
