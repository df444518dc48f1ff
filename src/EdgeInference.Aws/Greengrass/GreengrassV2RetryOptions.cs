namespace EdgeInference.Aws.Greengrass;

/// <summary>
/// How the GreengrassV2 client retries throttling (HTTP 429, <c>ThrottlingException</c>) and server errors (5xx):
/// exponential backoff from <see cref="BaseDelay"/> with jitter, each wait capped at <see cref="MaxDelay"/>
/// (a <c>Retry-After</c> the service sends wins, within the same cap), at most <see cref="MaxRetryAttempts"/> retries.
/// </summary>
public sealed record GreengrassV2RetryOptions
{
    /// <summary>Five retries starting near 1 s, no single wait above 20 s: about a minute in the worst case.</summary>
    public static GreengrassV2RetryOptions Default { get; } = new();

    /// <summary>No retries: the first answer is the answer.</summary>
    public static GreengrassV2RetryOptions None { get; } = new() { MaxRetryAttempts = 0 };

    public int MaxRetryAttempts { get; init; } = 5;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);
}
