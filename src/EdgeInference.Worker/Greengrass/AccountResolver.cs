using Amazon;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace EdgeInference.Worker.Greengrass;

/// <summary>
/// The AWS account the device's components belong to, for their ARNs: <c>Greengrass:AccountId</c>, else STS
/// GetCallerIdentity with the credentials the token exchange service hands the component (the nucleus sets
/// <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c>), asked once per start with the worker's resilience policy. Null when
/// neither is available (an offline device, or no token exchange service): ARNs are then null, and the log says why.
/// </summary>
public sealed class AccountResolver
{
    private readonly GreengrassOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AccountResolver> _logger;
    private readonly Lazy<Task<string?>> _account;
    private readonly Func<string, string?, CancellationToken, Task<string?>> _askSts;
    private readonly Func<string, string?> _environment;

    public AccountResolver(IOptions<GreengrassOptions> options, TimeProvider time, ILogger<AccountResolver> logger)
        : this(options, time, logger, AskStsAsync, Environment.GetEnvironmentVariable)
    {
    }

    /// <param name="askSts">GetCallerIdentity: (region, endpoint override) → account (tests pass their own).</param>
    /// <param name="environment">Reads an environment variable.</param>
    internal AccountResolver(
        IOptions<GreengrassOptions> options, TimeProvider time, ILogger<AccountResolver> logger,
        Func<string, string?, CancellationToken, Task<string?>> askSts, Func<string, string?> environment)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _askSts = askSts;
        _environment = environment;
        _account = new Lazy<Task<string?>>(() => string.IsNullOrWhiteSpace(_options.AccountId) ? Task.Run(ResolveAsync) : Task.FromResult<string?>(_options.AccountId));
    }

    /// <summary>The account id, once known (the lookup starts on first use and is shared).</summary>
    public Task<string?> GetAccountAsync() => _account.Value;

    /// <summary>The account id if already known, else null without waiting (the lookup starts if it had not).</summary>
    public string? AccountIfKnown => _account.Value.IsCompletedSuccessfully ? _account.Value.Result : null;

    private async Task<string?> ResolveAsync()
    {
        if (!string.IsNullOrWhiteSpace(_options.AccountId))
        {
            return _options.AccountId;
        }

        var region = _options.EffectiveRegion;
        var hasCredentials = _environment("AWS_CONTAINER_CREDENTIALS_FULL_URI") is { Length: > 0 }
            || _environment("AWS_ACCESS_KEY_ID") is { Length: > 0 };
        if (region is null || !hasCredentials)
        {
            WorkerLog.AccountUnknown(_logger, region is null
                ? "no region (AWS_REGION or Greengrass:Region)"
                : "no credentials (the token exchange service sets AWS_CONTAINER_CREDENTIALS_FULL_URI; or set Greengrass:AccountId)");
            return null;
        }

        var pipeline = new ResiliencePipelineBuilder<string?> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<string?>
            {
                MaxRetryAttempts = 4,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                MaxDelay = TimeSpan.FromSeconds(20),
                ShouldHandle = new PredicateBuilder<string?>().Handle<Amazon.Runtime.AmazonServiceException>(e => (int)e.StatusCode >= 500 || e.ErrorCode is "Throttling" or "ThrottlingException" || e.Message.Contains("Unable to retrieve credentials", StringComparison.Ordinal))
                    .Handle<HttpRequestException>()
                    .Handle<Amazon.Runtime.AmazonClientException>()
                    .Handle<TimeoutException>(),
            })
            .AddTimeout(TimeSpan.FromSeconds(15))
            .Build();
        try
        {
            var account = await pipeline.ExecuteAsync(
                async token => await _askSts(region, _options.StsEndpoint, token).ConfigureAwait(false),
                CancellationToken.None).ConfigureAwait(false);
            WorkerLog.AccountResolved(_logger, account ?? "?");
            return account;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Best effort, whatever the SDK or the token exchange service throws: ARNs stay null, the worker serves on.
            WorkerLog.AccountUnknown(_logger, $"STS GetCallerIdentity failed: {ex.Message}");
            return null;
        }
    }

    /// <summary>STS GetCallerIdentity with the SDK's default credentials (the token exchange service's, under Greengrass).</summary>
    private static async Task<string?> AskStsAsync(string region, string? endpoint, CancellationToken cancellationToken)
    {
        var config = new AmazonSecurityTokenServiceConfig { RegionEndpoint = RegionEndpoint.GetBySystemName(region), Timeout = TimeSpan.FromSeconds(10) };
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            config.ServiceURL = endpoint;
        }

        using var sts = new AmazonSecurityTokenServiceClient(config);
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
        return identity.Account;
    }
}
