using EdgeInference.Core.Results;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace EdgeInference.Worker.Tests.Status;

/// <summary>Every status the worker publishes carries a StatusMessage, the first (STARTING) included.</summary>
public sealed class WorkerStateTests
{
    [Fact]
    public void Current_BeforeAnyReport_IsStartingWithAStatusMessageThingNameAndTimestamp()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

        var state = new WorkerState(time, Microsoft.Extensions.Options.Options.Create(new WorkerOptions { ThingName = "line-7" }));

        Assert.Equal(WorkerStates.Starting, state.Current.Status);
        Assert.Equal(WorkerState.StartingMessage, state.Current.StatusMessage);
        Assert.Equal("line-7", state.Current.ThingName);
        Assert.Equal(time.GetUtcNow(), state.Current.Timestamp);
    }
}
