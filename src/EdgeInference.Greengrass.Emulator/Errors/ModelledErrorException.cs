using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator;

/// <summary>
/// Thrown by an operation handler to answer with a modelled Greengrass error (ApplicationError, TerminateStream,
/// <c>service-model-type: aws.greengrass#&lt;ErrorCode&gt;</c>, Java-style payload).
/// </summary>
internal sealed class ModelledErrorException(string errorCode, string message, JsonObject? extraMembers = null)
    : Exception(message)
{
    public string ErrorCode { get; } = errorCode;

    public JsonObject? ExtraMembers { get; } = extraMembers;
}

/// <summary>The request payload was not valid JSON for the operation's request shape (answered with the unmodelled InternalServerError).</summary>
internal sealed class RequestDeserializationException(string operation, Exception innerException)
    : Exception($"The {operation} request could not be deserialised: {innerException.Message}", innerException);

/// <summary>Builds the modelled errors with the nucleus's exact texts.</summary>
internal static class NucleusErrors
{
    public const string KeyNotFound = "Key not found";

    /// <summary>MqttProxyIPCAgent.UNAUTHORIZED_ERROR.</summary>
    public const string NotAuthorized = "Not Authorized";

    public static ModelledErrorException Unauthorized(string message) => new("UnauthorizedError", message);

    public static ModelledErrorException InvalidArguments(string message) => new("InvalidArgumentsError", message);

    public static ModelledErrorException Service(string message, JsonObject? context = null) =>
        new("ServiceError", message, context is null ? null : new JsonObject { ["context"] = context });

    public static ModelledErrorException KeyNotFoundError() => new("ResourceNotFoundError", KeyNotFound);

    public static ModelledErrorException ComponentNotFound(string componentName) => new(
        "ResourceNotFoundError",
        "Component with given name not found",
        new JsonObject { ["resourceType"] = "Component", ["resourceName"] = componentName });
}
