namespace EdgeInference.Core.Inference;

/// <summary>Turns a model package into a loaded, validated and warmed <see cref="IInferenceEngine"/>.</summary>
public interface IInferenceEngineLoader
{
    /// <summary>Loads <paramref name="options"/>' package (blocking, CPU-bound: call off the request path).</summary>
    /// <exception cref="ModelPackageException">The package, its manifest or its model is unusable; the message names every problem.</exception>
    /// <exception cref="AcceleratorUnavailableException">A GPU was required and cannot be used.</exception>
    /// <exception cref="InferenceRuntimeException">The runtime's native library (a configured one) cannot be used.</exception>
    IInferenceEngine Load(ModelLoadOptions options, CancellationToken cancellationToken = default);
}
