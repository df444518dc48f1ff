namespace EdgeInference.LookoutVision.Api.Security;

/// <summary>How <c>lookoutvision-api</c> authenticates requests.</summary>
public sealed record ApiSecurity
{
    /// <summary>SigV4's signing name for Lookout for Vision (the credential scope's service).</summary>
    public const string ServiceName = "lookoutvision";

    /// <summary>AWS's bound for a signed request's X-Amz-Date against the server's clock (either way).</summary>
    public static readonly TimeSpan DefaultMaxClockSkew = TimeSpan.FromMinutes(5);

    public required ApiCredentials Credentials { get; init; }

    /// <summary>The region a signature must be scoped to; null accepts the region the client signed for.</summary>
    public string? Region { get; init; }

    public TimeSpan MaxClockSkew { get; init; } = DefaultMaxClockSkew;
}
