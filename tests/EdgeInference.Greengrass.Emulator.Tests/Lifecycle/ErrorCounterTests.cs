using EdgeInference.Greengrass.Emulator.Lifecycle;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static EdgeInference.Greengrass.Emulator.ComponentLifecycleState;

namespace EdgeInference.Greengrass.Emulator.Tests.Lifecycle;

/// <summary>Lifecycle.internalReportState's BROKEN rule.</summary>
public sealed class ErrorCounterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Count_ThirdErrorInTheSameState_IsBroken()
    {
        var counter = new ErrorCounter(_time, ErrorCounter.DefaultResetTime);

        Assert.Equal([Errored, Errored, Broken], new[] { counter.Count(Running, Errored), counter.Count(Running, Errored), counter.Count(Running, Errored) });
    }

    [Fact]
    public void Count_ErrorsInDifferentStates_CountSeparately()
    {
        var counter = new ErrorCounter(_time, ErrorCounter.DefaultResetTime);

        counter.Count(New, Errored);
        counter.Count(New, Errored);
        counter.Count(Starting, Errored);
        counter.Count(Starting, Errored);

        Assert.Equal(Errored, counter.Count(Running, Errored));
    }

    [Fact]
    public void Count_AnotherReportInThatState_ResetsItsCount()
    {
        var counter = new ErrorCounter(_time, ErrorCounter.DefaultResetTime);
        counter.Count(Running, Errored);
        counter.Count(Running, Errored);

        counter.Count(Running, Running);

        Assert.Equal(Errored, counter.Count(Running, Errored));
    }

    [Fact]
    public void Count_ErrorsMoreThanTheResetTimeApart_StartOver()
    {
        var counter = new ErrorCounter(_time, TimeSpan.FromHours(1));
        counter.Count(Running, Errored);
        counter.Count(Running, Errored);

        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(Errored, counter.Count(Running, Errored));
        Assert.Equal(Errored, counter.Count(Running, Errored));
        Assert.Equal(Broken, counter.Count(Running, Errored));
    }

    [Fact]
    public void Count_ErrorWhileStopping_IsNotCounted()
    {
        var counter = new ErrorCounter(_time, ErrorCounter.DefaultResetTime);

        Assert.Equal([Errored, Errored, Errored], new[] { counter.Count(Stopping, Errored), counter.Count(Stopping, Errored), counter.Count(Stopping, Errored) });
    }
}
