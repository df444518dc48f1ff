using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace EdgeInference.Greengrass.Ipc.Tests.Fakes;

/// <summary>A <see cref="FakeTimeProvider"/> that records each timer's due time, so tests advance the clock only after the code armed its delay.</summary>
public sealed class RecordingTimeProvider : FakeTimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _dueTimes = new();

    /// <summary>Due times of every timer created so far, in creation order.</summary>
    public IReadOnlyCollection<TimeSpan> DueTimes => _dueTimes;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _dueTimes.Enqueue(dueTime);
        return timer;
    }

    /// <summary>Waits (bounded, real time) until the <paramref name="occurrence"/>-th timer with <paramref name="dueTime"/> exists.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime, int occurrence = 1)
    {
        for (var i = 0; i < 1000; i++)
        {
            if (_dueTimes.Count(d => d == dueTime) >= occurrence)
            {
                return;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"No timer #{occurrence} of {dueTime} was armed; armed: {string.Join(", ", _dueTimes)}.");
    }

    /// <summary>Waits (bounded, real time) for the first timer after the first <paramref name="skip"/> ones that <paramref name="match"/> accepts.</summary>
    /// <returns>Its position among all timers and its due time.</returns>
    public async Task<(int Index, TimeSpan DueTime)> NextTimerAsync(int skip, Func<TimeSpan, bool> match)
    {
        for (var i = 0; i < 1000; i++)
        {
            var armed = _dueTimes.ToArray();
            for (var index = skip; index < armed.Length; index++)
            {
                if (match(armed[index]))
                {
                    return (index, armed[index]);
                }
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"No matching timer after #{skip} was armed; armed: {string.Join(", ", _dueTimes)}.");
    }
}
