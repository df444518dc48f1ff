using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Ipc;

/// <summary>
/// The nucleus answered an operation with an error (an ApplicationError message). Subclasses cover the modelled
/// shapes; this type itself is used for modelled shapes without a dedicated subclass and for unmodelled errors.
/// </summary>
public class IpcOperationException : GreengrassIpcException
{
    /// <summary>Creates the exception.</summary>
    public IpcOperationException(string operation, string errorCode, string message, JsonObject? payload = null)
        : base($"{operation} failed with {errorCode}: {message}")
    {
        Operation = operation;
        ErrorCode = errorCode;
        ServiceMessage = message;
        Payload = payload;
    }

    /// <summary>The operation, e.g. <c>aws.greengrass#PublishToTopic</c>.</summary>
    public string Operation { get; }

    /// <summary>The error shape's short name, e.g. <c>UnauthorizedError</c>, or <c>InternalServerError</c> when unmodelled.</summary>
    public string ErrorCode { get; }

    /// <summary>The nucleus's message text.</summary>
    public string ServiceMessage { get; }

    /// <summary>The parsed JSON payload, when there was one.</summary>
    public JsonObject? Payload { get; }

    /// <summary>True for <c>ServiceError</c> (a server-side failure worth retrying); false for client errors.</summary>
    public virtual bool IsRetryable => false;
}

/// <summary><c>aws.greengrass#ServiceError</c>: the nucleus failed internally; retrying may help.</summary>
public sealed class ServiceErrorException(string operation, string message, JsonObject? payload)
    : IpcOperationException(operation, "ServiceError", message, payload)
{
    /// <summary>Optional <c>context</c> document (e.g. MQTT <c>reasonCode</c>/<c>reasonString</c>).</summary>
    public JsonObject? Context => Payload?["context"] as JsonObject;

    /// <inheritdoc />
    public override bool IsRetryable => true;
}

/// <summary><c>aws.greengrass#UnauthorizedError</c>: the recipe's <c>accessControl</c> does not allow this operation/resource.</summary>
public sealed class UnauthorizedErrorException(string operation, string message, JsonObject? payload)
    : IpcOperationException(operation, "UnauthorizedError", message, payload);

/// <summary><c>aws.greengrass#ResourceNotFoundError</c>: e.g. a configuration key path that does not exist.</summary>
public sealed class ResourceNotFoundErrorException(string operation, string message, JsonObject? payload)
    : IpcOperationException(operation, "ResourceNotFoundError", message, payload)
{
    /// <summary>The <c>resourceType</c> member, when given.</summary>
    public string? ResourceType => (string?)Payload?["resourceType"];

    /// <summary>The <c>resourceName</c> member, when given.</summary>
    public string? ResourceName => (string?)Payload?["resourceName"];
}

/// <summary><c>aws.greengrass#InvalidArgumentsError</c>: the request was rejected as invalid (e.g. a wildcard publish topic).</summary>
public sealed class InvalidArgumentsErrorException(string operation, string message, JsonObject? payload)
    : IpcOperationException(operation, "InvalidArgumentsError", message, payload);

/// <summary><c>aws.greengrass#ConflictError</c>.</summary>
public sealed class ConflictErrorException(string operation, string message, JsonObject? payload)
    : IpcOperationException(operation, "ConflictError", message, payload);
