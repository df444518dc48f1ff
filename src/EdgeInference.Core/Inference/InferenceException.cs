using EdgeInference.Core.Results;

namespace EdgeInference.Core.Inference;

/// <summary>A request that cannot be served, with the contract's error code (see <see cref="ErrorCodes"/>).</summary>
public sealed class InferenceException : Exception
{
    public InferenceException(string code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    public string Code { get; }

    public static InferenceException InvalidImage(string message, Exception? inner = null) => new(ErrorCodes.InvalidImage, message, inner);

    public static InferenceException InvalidRequest(string message) => new(ErrorCodes.InvalidRequest, message);
}
