namespace EdgeInference.Greengrass.Emulator.Tes;

/// <summary>The AWS credentials the emulated token exchange service hands to components.</summary>
public sealed class TesCredentials
{
    /// <summary>How long credentials without an expiration are said to last (IoT role aliases default to 3600 s).</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    /// <summary>The access key id.</summary>
    public required string AccessKeyId { get; init; }

    /// <summary>The secret access key.</summary>
    public required string SecretAccessKey { get; init; }

    /// <summary>The session token; empty for long-term keys.</summary>
    public string SessionToken { get; init; } = string.Empty;

    /// <summary>When they expire; null: <see cref="DefaultLifetime"/> after each request.</summary>
    public DateTimeOffset? Expiration { get; init; }

    /// <summary><c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c> and <c>AWS_SESSION_TOKEN</c> of this process, or null without the first two.</summary>
    public static TesCredentials? FromEnvironment()
    {
        var accessKeyId = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var secretAccessKey = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        return string.IsNullOrEmpty(accessKeyId) || string.IsNullOrEmpty(secretAccessKey)
            ? null
            : new TesCredentials
            {
                AccessKeyId = accessKeyId,
                SecretAccessKey = secretAccessKey,
                SessionToken = Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN") ?? string.Empty,
            };
    }
}
