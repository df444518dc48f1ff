namespace EdgeInference.Anomaly.Training;

/// <summary>Reports on the caller's thread, in order (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
