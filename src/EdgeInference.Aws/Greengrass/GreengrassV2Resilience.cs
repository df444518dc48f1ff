using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace EdgeInference.Aws.Greengrass;

/// <summary>
/// The one resilience pipeline of the GreengrassV2 REST client (Polly): retry with jittered exponential backoff on
/// throttling and 5xx answers. Connection failures are not retried (they name the endpoint at once), and every
/// operation we call is safe to repeat (reads, and CreateComponentVersion carries an idempotency clientToken).
/// </summary>
internal static class GreengrassV2Resilience
{
    public static ResiliencePipeline<HttpResponseMessage> Create(GreengrassV2RetryOptions options, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (options.MaxRetryAttempts <= 0)
        {
            return builder.Build();
        }

        builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            ShouldHandle = args => args.Outcome.Result is { } response ? IsRetryableAsync(response, args.Context.CancellationToken) : ValueTask.FromResult(false),
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options.MaxDelay, timeProvider)),
            OnRetry = args =>
            {
                var response = args.Outcome.Result;
                AwsLog.RetryingGreengrassV2(logger, response is null ? 0 : (int)response.StatusCode, ErrorType(response) ?? string.Empty, args.AttemptNumber + 1, args.RetryDelay);
                return ValueTask.CompletedTask;
            },
        });
        return builder.Build();
    }

    /// <summary>429, any 5xx, or a ThrottlingException/TooManyRequestsException whatever the status says.</summary>
    internal static async ValueTask<bool> IsRetryableAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
        {
            return true;
        }

        if (response.IsSuccessStatusCode)
        {
            return false;
        }

        if (ErrorType(response) is { } type)
        {
            return IsThrottling(type);
        }

        // REST-JSON errors may name their type only in the body's "__type".
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return body.Contains("ThrottlingException", StringComparison.Ordinal) || body.Contains("TooManyRequestsException", StringComparison.Ordinal);
    }

    private static bool IsThrottling(string errorType) =>
        errorType.StartsWith("ThrottlingException", StringComparison.Ordinal)
        || errorType.StartsWith("TooManyRequestsException", StringComparison.Ordinal)
        || errorType.Contains("#ThrottlingException", StringComparison.Ordinal);

    private static string? ErrorType(HttpResponseMessage? response) =>
        response is not null && response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;

    /// <summary>The service's Retry-After (seconds or a date), capped at <paramref name="maxDelay"/>; null = the backoff's own delay.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan maxDelay, TimeProvider timeProvider)
    {
        var retryAfter = response?.Headers.RetryAfter;
        var delay = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - timeProvider.GetUtcNow() : null);
        if (delay is not { } wait || wait <= TimeSpan.Zero)
        {
            return null;
        }

        return wait > maxDelay ? maxDelay : wait;
    }
}
