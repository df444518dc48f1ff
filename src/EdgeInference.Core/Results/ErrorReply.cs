namespace EdgeInference.Core.Results;

/// <summary><c>{"RequestId": ..., "Error": {"Code": ..., "Message": ...}}</c>.</summary>
public sealed record ErrorReply
{
    public string? RequestId { get; init; }
    public required ErrorDetail Error { get; init; }
}

public sealed record ErrorDetail
{
    public required string Code { get; init; }
    public required string Message { get; init; }
}

/// <summary>The error codes of the request contract. Users' scripts match on these strings.</summary>
public static class ErrorCodes
{
    public const string InvalidRequest = "InvalidRequest";
    public const string InvalidImage = "InvalidImage";
    public const string PayloadTooLarge = "PayloadTooLarge";
    public const string Busy = "Busy";
    public const string ModelNotReady = "ModelNotReady";
    public const string ModelNotFound = "ModelNotFound";
    public const string InternalError = "InternalError";
}
