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

    /// <summary>The most images one run takes (1: the model runs one image at a time; the manifest's <c>MaxBatchSize</c>).</summary>
    int MaxBatchSize => 1;

    /// <summary>
    /// Decodes and preprocesses one image (thread-safe, runs in parallel with other preparations and runs). The result
    /// goes to <see cref="InferBatch"/> or is disposed. The default defers all work to <see cref="Infer"/>.
    /// </summary>
    /// <exception cref="InferenceException">The image is refused (code <see cref="ErrorCodes.InvalidImage"/>).</exception>
    PreparedImage Prepare(ReadOnlyMemory<byte> encodedImage, CancellationToken cancellationToken = default) => new(encodedImage);

    /// <summary>
    /// Runs up to <see cref="MaxBatchSize"/> prepared images as one run; one output per image, in order, each with its
    /// own decode and preprocess timings and the shared run time. Does not dispose the images.
    /// </summary>
    /// <exception cref="InferenceException">The run failed (every image of the batch fails with it).</exception>
    IReadOnlyList<InferenceOutput> InferBatch(IReadOnlyList<PreparedImage> images, CancellationToken cancellationToken = default) =>
        images.Select(image => Infer(image.Encoded, cancellationToken)).ToArray();
}

/// <summary>
/// One image made ready for a run (decoded and preprocessed by engines that batch; just the encoded bytes otherwise).
/// Engines subclass it to carry their tensor; dispose it once its run is over.
/// </summary>
public class PreparedImage : IDisposable
{
    public PreparedImage(ReadOnlyMemory<byte> encoded) => Encoded = encoded;

    /// <summary>The encoded image (empty once an engine has decoded it and let the bytes go).</summary>
    public ReadOnlyMemory<byte> Encoded { get; }

    public double DecodeMs { get; init; }

    public double PreprocessMs { get; init; }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>What one run produced, before a head adds the request id and provenance.</summary>
public sealed record InferenceOutput
{
    public DetectAnomalyResult? DetectAnomalyResult { get; init; }
    public IReadOnlyList<Classification>? Classifications { get; init; }
    public float[]? Embedding { get; init; }
    public required InferenceTimings Timings { get; init; }
}
