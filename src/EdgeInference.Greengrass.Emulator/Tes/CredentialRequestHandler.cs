using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Tes;

/// <summary>An HTTP answer of the token exchange service.</summary>
/// <param name="StatusCode">e.g. 200, 403.</param>
/// <param name="Body">The body; empty for the nucleus's bodiless errors.</param>
internal sealed record TesResponse(int StatusCode, byte[] Body);

/// <summary>
/// Answers a credentials request as the nucleus's tes/CredentialRequestHandler does, in its order: a path outside the
/// server's context is 404 (the JDK server's), a method other than GET 405, a path other than exactly
/// <c>/2016-11-01/credentialprovider/</c> 400; a missing or unknown <c>Authorization</c> token (the component's SVCUID)
/// 403 — there is no 401; every authenticated component may get credentials (the TES default policy). Success is 200
/// with <c>{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}</c>; without credentials to hand out it is 500
/// "Failed to get credentials from TES", and with expired ones 500 "TES responded with credentials that expired at …".
/// Errors carry no body.
/// </summary>
internal static class CredentialRequestHandler
{
    /// <summary>HttpServerImpl.URL.</summary>
    public const string CredentialsPath = "/2016-11-01/credentialprovider/";

    public static TesResponse Handle(
        string method, string path, string? authorization, Func<string, string?> authenticate, TesCredentials? credentials, DateTimeOffset now)
    {
        if (!path.StartsWith(CredentialsPath, StringComparison.Ordinal))
        {
            return new TesResponse(404, Encoding.UTF8.GetBytes("<h1>404 Not Found</h1>No context found for request"));
        }

        if (method != "GET")
        {
            return new TesResponse(405, []);
        }

        if (path != CredentialsPath)
        {
            return new TesResponse(400, []);
        }

        if (authorization is null || authenticate(authorization) is null)
        {
            return new TesResponse(403, []);
        }

        if (credentials is null)
        {
            return new TesResponse(500, Encoding.UTF8.GetBytes("Failed to get credentials from TES"));
        }

        var expiration = credentials.Expiration ?? now + TesCredentials.DefaultLifetime;
        var expirationText = expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (expiration < now)
        {
            return new TesResponse(500, Encoding.UTF8.GetBytes($"TES responded with credentials that expired at {expirationText}"));
        }

        var body = new JsonObject
        {
            ["AccessKeyId"] = credentials.AccessKeyId,
            ["SecretAccessKey"] = credentials.SecretAccessKey,
            ["Token"] = credentials.SessionToken,
            ["Expiration"] = expirationText,
        };
        return new TesResponse(200, Encoding.UTF8.GetBytes(body.ToJsonString()));
    }
}
