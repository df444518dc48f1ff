using EdgeInference.Worker.Heads.Mqtt;
using Polly;
using Polly.Retry;

namespace EdgeInference.Worker.Hosting;

/// <summary>
/// The worker's one resilience policy for reaching what it depends on (the broker, the nucleus): retry until
/// cancelled, exponential backoff from 250 ms with jitter, capped at 30 s, so a fleet that lost its broker does not
/// reconnect in lock-step. Time comes from the injected <see cref="TimeProvider"/> (tests use fake time).
/// </summary>
internal static class Resilience
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    /// <param name="onRetry">Called before each wait: attempt number (1-based), the delay, the failure.</param>
    public static ResiliencePipeline Reconnect(TimeProvider time, Action<int, TimeSpan, Exception?> onRetry) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                Delay = FirstDelay,
                MaxDelay = MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                OnRetry = args =>
                {
                    onRetry(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    private static bool IsTransient(Exception ex) =>
        ex is not (OperationCanceledException or OutOfMemoryException) && ex is not MqttHeadException { Permanent: true };
}
