namespace EdgeInference.Core.Inference;

/// <summary>A model package cannot be used: missing files, a bad manifest, or a manifest that does not match the model.</summary>
public class ModelPackageException : Exception
{
    public ModelPackageException(string message, Exception? innerException = null)
        : this(message, PackageErrorCodes.ModelPackageInvalid, innerException)
    {
    }

    public ModelPackageException(string message, string code, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Which rule refused the package (<see cref="PackageErrorCodes"/>).</summary>
    public string Code { get; }
}

/// <summary>The codes a refused model package carries (<see cref="ModelPackageException.Code"/>), named in its message where a limit or path rule refused it.</summary>
public static class PackageErrorCodes
{
    /// <summary>Missing files, a bad manifest, a manifest that does not match the model, a model ONNX Runtime cannot load.</summary>
    public const string ModelPackageInvalid = "ModelPackageInvalid";

    /// <summary>Neither a folder nor a readable .zip.</summary>
    public const string PackageUnreadable = "PackageUnreadable";

    /// <summary>More entries (zip) or files (folder) than the limit.</summary>
    public const string PackageTooManyEntries = "PackageTooManyEntries";

    /// <summary>One entry declares, or inflates to, more bytes than the limit (or than it declares).</summary>
    public const string PackageEntryTooLarge = "PackageEntryTooLarge";

    /// <summary>All entries together are over the limit.</summary>
    public const string PackageTooLarge = "PackageTooLarge";

    /// <summary>A name, ModelFile or symbolic link that leads outside the package (<c>..</c>, an absolute path, a link out).</summary>
    public const string PackagePathOutside = "PackagePathOutside";
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
