namespace EdgeInference.Packaging;

/// <summary>
/// A request the packaging service refuses, shaped like Lookout for Vision's modelled errors: the AWS error type
/// (<c>x-amzn-ErrorType</c>) and the HTTP status the REST endpoint answers with.
/// </summary>
public abstract class PackagingException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    public abstract string ErrorType { get; }

    public abstract int HttpStatusCode { get; }

    /// <summary>The resource the error is about (Lookout's <c>ResourceId</c>), when there is one.</summary>
    public string? ResourceId { get; init; }

    /// <summary>Lookout's <c>ResourceType</c>: PROJECT, MODEL or MODEL_PACKAGE_JOB.</summary>
    public string? ResourceType { get; init; }
}

/// <summary>The input breaks a rule (names the field and the rule). HTTP 400.</summary>
public sealed class PackagingValidationException(string message, Exception? innerException = null)
    : PackagingException(message, innerException)
{
    public override string ErrorType => "ValidationException";

    public override int HttpStatusCode => 400;
}

/// <summary>The project, model version or job does not exist. HTTP 404.</summary>
public sealed class PackagingResourceNotFoundException(string message) : PackagingException(message)
{
    public override string ErrorType => "ResourceNotFoundException";

    public override int HttpStatusCode => 404;
}

/// <summary>The job name, client token or component name+version is already taken. HTTP 409.</summary>
public sealed class PackagingConflictException(string message) : PackagingException(message)
{
    public override string ErrorType => "ConflictException";

    public override int HttpStatusCode => 409;
}

/// <summary>The store could not be read or locked (another process holds it too long, a file is corrupt). HTTP 500.</summary>
public sealed class PackagingStoreException(string message, Exception? innerException = null)
    : PackagingException(message, innerException)
{
    public override string ErrorType => "InternalServerException";

    public override int HttpStatusCode => 500;
}

/// <summary>Lookout's <c>ResourceType</c> values we use.</summary>
public static class ResourceTypes
{
    public const string Project = "PROJECT";
    public const string Model = "MODEL";
    public const string ModelPackageJob = "MODEL_PACKAGE_JOB";
}
