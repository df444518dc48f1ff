namespace EdgeInference.LookoutVision.Api.Security;

/// <summary>
/// The media types <c>lookoutvision-api</c> takes: the AWS JSON types the AWS CLI and SDKs send
/// (<c>application/x-amz-json-1.1</c>, <c>application/json</c>), and for DetectAnomalies the image types Lookout for Vision
/// takes (<c>image/jpeg</c>, <c>image/png</c>). The three types a browser may send cross-origin without a preflight
/// (<c>text/plain</c>, <c>application/x-www-form-urlencoded</c>, <c>multipart/form-data</c>) are refused on every request.
/// </summary>
public static class ContentTypePolicy
{
    public const int UnsupportedMediaType = 415;
    public const string ErrorType = "UnsupportedMediaTypeException";

    public static readonly IReadOnlyList<string> JsonTypes = ["application/x-amz-json-1.1", "application/json"];
    public static readonly IReadOnlyList<string> ImageTypes = ["image/jpeg", "image/png"];
    private static readonly string[] BrowserSimpleTypes = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"];

    /// <param name="contentType">The Content-Type header, or null.</param>
    /// <param name="hasBody">The request carries a body (Content-Length over 0, or chunked).</param>
    /// <param name="takesImage">The operation's body is an image (DetectAnomalies).</param>
    /// <returns>Null when the request may go on; otherwise a 415 naming what is accepted.</returns>
    public static ApiRefusal? Check(string? contentType, bool hasBody, bool takesImage)
    {
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(mediaType))
        {
            return hasBody ? Refuse(contentType, takesImage) : null;
        }

        if (BrowserSimpleTypes.Contains(mediaType))
        {
            return Refuse(contentType, takesImage);
        }

        var accepted = takesImage ? ImageTypes : JsonTypes;
        return accepted.Contains(mediaType) || !hasBody ? null : Refuse(contentType, takesImage);
    }

    private static ApiRefusal Refuse(string? contentType, bool takesImage) => new(
        UnsupportedMediaType,
        ErrorType,
        $"Content-Type '{contentType ?? "(none)"}' is not accepted; this operation takes {string.Join(" or ", takesImage ? ImageTypes : JsonTypes)}.");
}
