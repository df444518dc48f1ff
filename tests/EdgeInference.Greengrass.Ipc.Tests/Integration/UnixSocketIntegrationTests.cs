using EdgeInference.Greengrass.Ipc.Model;
using EdgeInference.Greengrass.Ipc.Tests.Fakes;
using Xunit;

namespace EdgeInference.Greengrass.Ipc.Tests.Integration;

/// <summary>The real <see cref="Transport.UnixSocketChannelFactory"/> against a scripted nucleus on a Unix socket in a temp folder.</summary>
public sealed class UnixSocketIntegrationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ggipc-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private GreengrassIpcOptions Options(string socketPath, bool autoReconnect = false) => new()
    {
        SocketPath = socketPath,
        AuthToken = ClientHarness.Token,
        AutoReconnect = autoReconnect,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task ConnectPublishSubscribe_OverRealSocket_RoundTrips()
    {
        using var listener = new UnixSocketIpcListener(Path.Combine(_directory, "ipc.socket"));
        await using var client = new GreengrassIpcClient(Options(listener.SocketPath));
        var token = TestContext.Current.CancellationToken;

        var connecting = client.ConnectAsync(token);
        await using var server = await listener.AcceptAsync();
        Assert.Equal(ClientHarness.Token, await server.AcceptConnectAsync());
        await connecting;

        var subscribing = client.SubscribeToTopicAsync("demo/in", cancellationToken: token);
        var subscribe = await server.ReceiveRequestAsync();
        await server.RespondAsync(subscribe.StreamId, "aws.greengrass#SubscribeToTopicResponse", terminate: false);
        await using var subscription = await subscribing;

        var publishing = client.PublishToTopicAsync("demo/out", new byte[200 * 1024], token);
        var publish = await server.ReceiveRequestAsync();
        await server.RespondAsync(publish.StreamId, "aws.greengrass#PublishToTopicResponse");
        await publishing;
        await server.SendEventAsync(subscribe.StreamId, "aws.greengrass#SubscriptionResponseMessage", """{"jsonMessage":{"message":{"go":true},"context":{"topic":"demo/in"}}}""");

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(token);
        bound.CancelAfter(TimeSpan.FromSeconds(10));
        var item = await subscription.Events.ReadAsync(bound.Token);

        Assert.Equal(2, publish.StreamId);
        Assert.Equal(200 * 1024, Convert.FromBase64String((string)publish.Json!["publishMessage"]!["binaryMessage"]!["message"]!).Length);
        Assert.True((bool)item.JsonMessage!.Message!["go"]!);
    }

    [Fact]
    public async Task ConnectAsync_RelativeSocketPath_ResolvesAgainstWorkingDirectory()
    {
        using var listener = new UnixSocketIpcListener(Path.Combine(_directory, "ipc.socket"));
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, listener.SocketPath);
        Assert.False(Path.IsPathRooted(relative));
        await using var client = new GreengrassIpcClient(Options(relative));

        var connecting = client.ConnectAsync(TestContext.Current.CancellationToken);
        await using var server = await listener.AcceptAsync();
        await server.AcceptConnectAsync();
        await connecting;

        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task ConnectAsync_NoSocketFile_ThrowsConnectionExceptionNamingThePath()
    {
        var missing = Path.Combine(_directory, "absent.socket");
        await using var client = new GreengrassIpcClient(Options(missing));

        var error = await Assert.ThrowsAsync<IpcConnectionException>(() => client.ConnectAsync(TestContext.Current.CancellationToken));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NucleusDropsSocket_ClientReconnectsAndResubscribes()
    {
        using var listener = new UnixSocketIpcListener(Path.Combine(_directory, "ipc.socket"));
        await using var client = new GreengrassIpcClient(Options(listener.SocketPath, autoReconnect: true));
        var token = TestContext.Current.CancellationToken;

        var connecting = client.ConnectAsync(token);
        var server = await listener.AcceptAsync();
        await server.AcceptConnectAsync();
        await connecting;
        var subscribing = client.SubscribeToConfigurationUpdateAsync(cancellationToken: token);
        var subscribe = await server.ReceiveRequestAsync();
        await server.RespondAsync(subscribe.StreamId, "aws.greengrass#SubscribeToConfigurationUpdateResponse", terminate: false);
        await using var subscription = await subscribing;

        await server.DisposeAsync();
        await using var second = await listener.AcceptAsync();
        await second.AcceptConnectAsync();
        var resubscribe = await second.ReceiveRequestAsync();
        await second.RespondAsync(resubscribe.StreamId, "aws.greengrass#SubscribeToConfigurationUpdateResponse", terminate: false);
        await second.SendEventAsync(resubscribe.StreamId, "aws.greengrass#ConfigurationUpdateEvents", """{"configurationUpdateEvent":{"componentName":"c","keyPath":["a"]}}""");

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(token);
        bound.CancelAfter(TimeSpan.FromSeconds(10));
        var update = await subscription.Events.ReadAsync(bound.Token);

        Assert.Equal("aws.greengrass#SubscribeToConfigurationUpdate", resubscribe.Operation);
        Assert.Equal(["a"], update.ConfigurationUpdateEvent!.KeyPath!);
    }
}
