using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace EdgeInference.Aws.Tests.Greengrass;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells the test each time code under test starts waiting (creates a timer), so the
/// test can move time by exactly that wait: backoff and polling run in no wall-clock time and in a fixed order.
/// </summary>
internal sealed class SteppedClock : TimeProvider
{
    /// <summary>The clock's time before any wait.</summary>
    public static readonly DateTimeOffset Start = new(2025, 11, 3, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly Channel<TimeSpan> _waits = Channel.CreateUnbounded<TimeSpan>();

    /// <summary>Every wait the code started, in order.</summary>
    public List<TimeSpan> Waits { get; } = [];

    public override DateTimeOffset GetUtcNow() => _time.GetUtcNow();

    public override long GetTimestamp() => _time.GetTimestamp();

    public override long TimestampFrequency => _time.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = _time.CreateTimer(callback, state, dueTime, period);
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            _waits.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    /// <summary>Runs <paramref name="operation"/>, advancing time through each of its waits (at most <paramref name="maxWaits"/>).</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> operation, int maxWaits = 50)
    {
        var running = operation();
        for (var i = 0; i <= maxWaits; i++)
        {
            var next = _waits.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask();
            if (await Task.WhenAny(running, next) == running)
            {
                return await running;
            }

            var wait = await next;
            Waits.Add(wait);
            _time.Advance(wait);
        }

        throw new InvalidOperationException($"The operation was still waiting after {maxWaits} waits.");
    }
}
