using EdgeInference.Core.Results;

namespace EdgeInference.Core.Inference;

/// <summary>
/// A loaded, warmed model that turns encoded image bytes into a task result. Thread-safe; CPU-bound and
/// synchronous by design (callers bound concurrency and choose the thread).
/// </summary>
public interface IInferenceEngine : IDisposable
{
    LoadedModelInfo Model { get; }

    /// <summary>Decodes, preprocesses and runs one image.</summary>
    /// <exception cref="InferenceException">The image is refused (code <see cref="ErrorCodes.InvalidImage"/>) or the run failed.</exception>
    InferenceOutput Infer(ReadOnlyMemory<byte> encodedImage, CancellationToken cancellationToken = default);
}

/// <summary>What one run produced, before a head adds the request id and provenance.</summary>
public sealed record InferenceOutput
{
    public DetectAnomalyResult? DetectAnomalyResult { get; init; }
    public IReadOnlyList<Classification>? Classifications { get; init; }
    public float[]? Embedding { get; init; }
    public required InferenceTimings Timings { get; init; }
}
