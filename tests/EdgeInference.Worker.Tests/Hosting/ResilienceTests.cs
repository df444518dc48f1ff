using EdgeInference.Worker.Heads.Mqtt;
using EdgeInference.Worker.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace EdgeInference.Worker.Tests.Hosting;

public sealed class ResilienceTests
{
    [Fact]
    public async Task Reconnect_TransientFailures_RetriesWithJitteredDelaysWithinTheLimits_OnFakeTime()
    {
        var time = new FakeTimeProvider();
        var delays = new List<TimeSpan>();
        var pipeline = Resilience.Reconnect(time, (_, delay, _) => delays.Add(delay));
        var calls = 0;

        var run = pipeline.ExecuteAsync(_ => ++calls < 12 ? throw new IOException("broker down") : ValueTask.CompletedTask, TestContext.Current.CancellationToken).AsTask();
        for (var i = 0; i < 2000 && !run.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }

        await run;
        Assert.Equal(12, calls);
        Assert.Equal(11, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, Resilience.MaxDelay));
        Assert.True(delays.Distinct().Count() > 1, "delays do not vary");
        Assert.True(delays.Skip(6).Average(d => d.TotalSeconds) > delays.Take(3).Average(d => d.TotalSeconds), $"no backoff: {string.Join(", ", delays)}");
    }

    [Fact]
    public async Task Reconnect_PermanentFailure_IsNotRetried()
    {
        var pipeline = Resilience.Reconnect(new FakeTimeProvider(), (_, _, _) => { });
        var calls = 0;

        await Assert.ThrowsAsync<MqttHeadException>(async () =>
            await pipeline.ExecuteAsync(_ => { calls++; throw new MqttHeadException("no shared subscriptions", permanent: true); }, TestContext.Current.CancellationToken));

        Assert.Equal(1, calls);
    }
}
