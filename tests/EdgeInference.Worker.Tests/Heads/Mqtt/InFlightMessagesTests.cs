using EdgeInference.Worker.Heads.Mqtt;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace EdgeInference.Worker.Tests.Heads.Mqtt;

public sealed class InFlightMessagesTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WaitIdleAsync_NothingInFlight_CompletesAtOnce()
    {
        var inFlight = new InFlightMessages();

        Assert.True(await inFlight.WaitIdleAsync(TimeSpan.FromSeconds(5), new FakeTimeProvider(), Token));
    }

    [Fact]
    public async Task WaitIdleAsync_MessagesInFlight_CompletesWhenTheLastIsAcknowledged()
    {
        var inFlight = new InFlightMessages();
        var first = inFlight.Begin();
        var second = inFlight.Begin();

        var idle = inFlight.WaitIdleAsync(TimeSpan.FromSeconds(5), new FakeTimeProvider(), Token);
        first.Dispose();
        Assert.False(idle.IsCompleted);
        second.Dispose();

        Assert.True(await idle);
        Assert.Equal(0, inFlight.Count);
    }

    [Fact]
    public async Task WaitIdleAsync_MessageNeverAcknowledged_GivesUpAfterTheTimeout()
    {
        var time = new FakeTimeProvider();
        var inFlight = new InFlightMessages();
        using var stuck = inFlight.Begin();

        var idle = inFlight.WaitIdleAsync(TimeSpan.FromSeconds(5), time, Token);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(idle.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(await idle);
        Assert.Equal(1, inFlight.Count);
    }
}
