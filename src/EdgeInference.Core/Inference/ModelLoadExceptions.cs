namespace EdgeInference.Core.Inference;

/// <summary>A model package cannot be used: missing files, a bad manifest, or a manifest that does not match the model.</summary>
public class ModelPackageException : Exception
{
    public ModelPackageException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>A GPU was required (<c>Model:Accelerator=gpu</c>) and it cannot be used.</summary>
public sealed class AcceleratorUnavailableException : Exception
{
    public AcceleratorUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The model cannot be loaded because the native runtime it needs cannot be used: a configured ONNX Runtime library that
/// does not exist, is not a shared library, is not ONNX Runtime, or is a version these bindings cannot drive (or a change
/// of library while it runs), or an image decoder named that cannot load here. A <see cref="ModelPackageException"/> so
/// every caller that reports a model that cannot be loaded reports this too (a model component's registrant hears why).
/// </summary>
public sealed class InferenceRuntimeException : ModelPackageException
{
    public InferenceRuntimeException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
