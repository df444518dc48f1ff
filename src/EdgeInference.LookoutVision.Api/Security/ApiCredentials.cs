using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;

namespace EdgeInference.LookoutVision.Api.Security;

/// <summary>
/// The one key pair <c>lookoutvision-api</c> accepts SigV4 signatures from: the usual AWS configuration
/// (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN], else the AWS_PROFILE or <c>default</c> profile of the shared
/// credentials file), or, when none is configured, a key pair generated at start that the command prints.
/// </summary>
/// <param name="Source">Where the keys came from, for the start-up line (never the secret).</param>
public sealed record ApiCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken, string Source)
{
    private const string KeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>True when the keys were generated here (the command prints them so a client can sign).</summary>
    public bool Generated => Source == GeneratedSource;

    public const string GeneratedSource = "generated";

    public ImmutableCredentials ToImmutable() => new(AccessKeyId, SecretAccessKey, SessionToken);

    /// <summary>Never prints the secret.</summary>
    public override string ToString() => $"{AccessKeyId} ({Source})";

    /// <summary>Environment variables, then the shared credentials file's profile, then a generated pair.</summary>
    /// <param name="environment">Reads an environment variable (tests pass their own).</param>
    public static ApiCredentials Resolve(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var id = environment("AWS_ACCESS_KEY_ID");
        var secret = environment("AWS_SECRET_ACCESS_KEY");
        if (!string.IsNullOrEmpty(id) && !string.IsNullOrEmpty(secret))
        {
            return new ApiCredentials(id, secret, NullIfEmpty(environment("AWS_SESSION_TOKEN")), "environment AWS_ACCESS_KEY_ID");
        }

        var profile = NullIfEmpty(environment("AWS_PROFILE")) ?? "default";
        var file = NullIfEmpty(environment("AWS_SHARED_CREDENTIALS_FILE"))
            ?? (NullIfEmpty(environment("HOME")) is { } home ? Path.Combine(home, ".aws", "credentials") : null);
        if (file is not null && File.Exists(file)
            && new CredentialProfileStoreChain(file).TryGetAWSCredentials(profile, out var credentials)
            && credentials.GetCredentials() is { AccessKey.Length: > 0, SecretKey.Length: > 0 } immutable)
        {
            return new ApiCredentials(immutable.AccessKey, immutable.SecretKey, NullIfEmpty(immutable.Token), $"profile {profile} of {file}");
        }

        return Generate();
    }

    /// <summary>A fresh random pair shaped like AWS's (20-character key id, 40-character secret).</summary>
    public static ApiCredentials Generate()
    {
        var id = "AKIA" + new string(RandomNumberGenerator.GetItems<char>(KeyAlphabet, 16));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        return new ApiCredentials(id, secret, null, GeneratedSource);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
