namespace EdgeInference.Greengrass.Emulator.Lifecycle;

/// <summary>
/// The nucleus's rule for giving up on a component (lifecyclemanager/Lifecycle.java internalReportState): an ERRORED
/// report made while NEW (installing), STARTING or RUNNING is counted against that state; a count older than the
/// error reset time (one hour by default, <c>errorResetTime</c>) starts over; any other report resets the count of the
/// state it is made in. The third counted error in the same state makes the component BROKEN instead of ERRORED.
/// </summary>
internal sealed class ErrorCounter
{
    /// <summary>MAXIMUM_CONTINUAL_ERROR.</summary>
    public const int MaximumContinualErrors = 3;

    /// <summary>DEFAULT_ERROR_RESET_TIME_IN_SEC.</summary>
    public static readonly TimeSpan DefaultResetTime = TimeSpan.FromHours(1);

    private static readonly ComponentLifecycleState[] CountedStates =
        [ComponentLifecycleState.New, ComponentLifecycleState.Starting, ComponentLifecycleState.Running];

    private readonly TimeProvider _time;
    private readonly TimeSpan _resetTime;
    private readonly Dictionary<ComponentLifecycleState, List<DateTimeOffset>> _errors = [];

    public ErrorCounter(TimeProvider time, TimeSpan resetTime)
    {
        _time = time;
        _resetTime = resetTime;
    }

    /// <summary>Counts a report of <paramref name="reported"/> made in <paramref name="current"/>.</summary>
    /// <returns>The state to move to: <paramref name="reported"/>, or BROKEN on the third error.</returns>
    public ComponentLifecycleState Count(ComponentLifecycleState current, ComponentLifecycleState reported)
    {
        if (reported == ComponentLifecycleState.Errored && CountedStates.Contains(current))
        {
            var now = _time.GetUtcNow();
            if (!_errors.TryGetValue(current, out var errors))
            {
                errors = [];
                _errors[current] = errors;
            }

            if (errors.Count > 0 && now - errors[^1] >= _resetTime)
            {
                errors.Clear();
            }

            errors.Add(now);
        }
        else
        {
            _errors.Remove(current);
        }

        return _errors.TryGetValue(current, out var counted) && counted.Count >= MaximumContinualErrors
            ? ComponentLifecycleState.Broken
            : reported;
    }
}
