using EdgeInference.Greengrass.Ipc.Model;
using EdgeInference.Greengrass.Ipc.Tests.Fakes;
using Xunit;

namespace EdgeInference.Greengrass.Ipc.Tests;

public sealed class ReconnectTests
{
    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), $"timed out waiting for {what}");
    }

    [Fact]
    public async Task ConnectionDrop_AutoReconnect_ResubscribesAndEventsContinueOnSameSubscription()
    {
        var time = new RecordingTimeProvider();
        await using var harness = await ClientHarness.ConnectAsync(ClientHarness.Options(autoReconnect: true), time);
        var token = TestContext.Current.CancellationToken;

        var subscribing = harness.Client.SubscribeToTopicAsync("jobs", cancellationToken: token);
        var first = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(first.StreamId, "aws.greengrass#SubscribeToTopicResponse", terminate: false);
        var subscription = await subscribing;

        await harness.Server.DisposeAsync();
        await time.WaitForTimerAsync(TimeSpan.FromMilliseconds(100));
        Assert.False(harness.Client.IsConnected);
        Assert.Equal(1, harness.Transport.ConnectAttempts);
        time.Advance(TimeSpan.FromMilliseconds(100));
        var server = await harness.AcceptReconnectAsync();
        var resubscribe = await server.ReceiveRequestAsync();
        await server.RespondAsync(resubscribe.StreamId, "aws.greengrass#SubscribeToTopicResponse", terminate: false);
        await server.SendEventAsync(resubscribe.StreamId, "aws.greengrass#SubscriptionResponseMessage", """{"binaryMessage":{"message":"AQ=="}}""");

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(token);
        bound.CancelAfter(TimeSpan.FromSeconds(10));
        var item = await subscription.Events.ReadAsync(bound.Token);

        Assert.Equal("aws.greengrass#SubscribeToTopic", resubscribe.Operation);
        Assert.Equal(1, resubscribe.StreamId);
        Assert.Equal(first.Text, resubscribe.Text);
        Assert.Equal(new byte[] { 1 }, item.BinaryMessage!.Message);
        Assert.True(harness.Client.IsConnected);
    }

    [Fact]
    public async Task Reconnect_NucleusDown_BacksOffWithJitterWithinTheLimits_OnInjectedClock()
    {
        var time = new RecordingTimeProvider();
        await using var harness = await ClientHarness.ConnectAsync(ClientHarness.Options(autoReconnect: true), time);
        harness.Transport.RefuseConnections = true;

        await harness.Server.DisposeAsync();

        // ReconnectMinDelay 100 ms, ReconnectMaxDelay 1 s (ClientHarness.Options). Each attempt happens only once its delay
        // has elapsed; delays stay within the limits and vary (jitter), so a fleet does not reconnect in lock-step.
        var isBackoff = (TimeSpan d) => d > TimeSpan.Zero && d <= TimeSpan.FromSeconds(1);
        var delays = new List<TimeSpan>();
        var seen = 0;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var (index, delay) = await time.NextTimerAsync(seen, isBackoff);
            seen = index + 1;
            delays.Add(delay);
            var before = harness.Transport.ConnectAttempts;
            time.Advance(delay - TimeSpan.FromMilliseconds(1));
            await Task.Delay(20, TestContext.Current.CancellationToken);
            Assert.Equal(before, harness.Transport.ConnectAttempts);
            time.Advance(TimeSpan.FromMilliseconds(1));
            await WaitUntilAsync(() => harness.Transport.ConnectAttempts == before + 1, $"attempt {attempt + 1}");
        }

        Assert.Equal(TimeSpan.FromMilliseconds(100), delays[0]);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1)));
        Assert.True(delays.Skip(1).Distinct().Count() > 1, $"retry delays do not vary: {string.Join(", ", delays)}");

        harness.Transport.RefuseConnections = false;
        var (_, next) = await time.NextTimerAsync(seen, isBackoff);
        time.Advance(next);
        await harness.AcceptReconnectAsync();
        await WaitUntilAsync(() => harness.Client.IsConnected, "the reconnection");
    }

    [Fact]
    public async Task CallDuringReconnect_WaitsForNewConnection()
    {
        await using var harness = await ClientHarness.ConnectAsync(ClientHarness.Options(autoReconnect: true));
        var token = TestContext.Current.CancellationToken;

        await harness.Server.DisposeAsync();
        await WaitUntilAsync(() => !harness.Client.IsConnected, "the drop to be noticed");
        var call = harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, token);
        var server = await harness.AcceptReconnectAsync();
        var request = await server.ReceiveRequestAsync();
        await server.RespondAsync(request.StreamId, "aws.greengrass#UpdateStateResponse");

        await call;
        Assert.Equal(1, request.StreamId);
    }

    [Fact]
    public async Task ConnectionDrop_NoAutoReconnect_SubscriptionsFault()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var subscribing = harness.Client.SubscribeToTopicAsync("t", cancellationToken: TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#SubscribeToTopicResponse", terminate: false);
        var subscription = await subscribing;
        await harness.Server.DisposeAsync();

        await Assert.ThrowsAsync<IpcConnectionClosedException>(
            () => subscription.Completion.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ResubscribeRefused_FaultsThatSubscriptionOnly()
    {
        await using var harness = await ClientHarness.ConnectAsync(ClientHarness.Options(autoReconnect: true));
        var token = TestContext.Current.CancellationToken;

        var subscribing = harness.Client.SubscribeToTopicAsync("t", cancellationToken: token);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#SubscribeToTopicResponse", terminate: false);
        var subscription = await subscribing;
        await harness.Server.DisposeAsync();
        var server = await harness.AcceptReconnectAsync();
        var resubscribe = await server.ReceiveRequestAsync();
        await server.SendErrorAsync(resubscribe.StreamId, "UnauthorizedError", "policy changed");

        await Assert.ThrowsAsync<UnauthorizedErrorException>(() => subscription.Completion.WaitAsync(TimeSpan.FromSeconds(10), token));
        Assert.True(harness.Client.IsConnected);
    }
}
