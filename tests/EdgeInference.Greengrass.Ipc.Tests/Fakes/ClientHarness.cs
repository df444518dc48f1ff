using EdgeInference.Greengrass.Ipc.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace EdgeInference.Greengrass.Ipc.Tests;

/// <summary>A client wired to an in-memory transport, already past the handshake.</summary>
internal sealed class ClientHarness : IAsyncDisposable
{
    public const string Token = "ABCDEFGHIJKLMNOP";

    private ClientHarness(GreengrassIpcClient client, InMemoryIpcTransport transport, ScriptedIpcServer server, FakeTimeProvider? time)
    {
        Client = client;
        Transport = transport;
        Server = server;
        Time = time;
    }

    public GreengrassIpcClient Client { get; }

    public InMemoryIpcTransport Transport { get; }

    public ScriptedIpcServer Server { get; private set; }

    public FakeTimeProvider? Time { get; }

    public static GreengrassIpcOptions Options(bool autoReconnect = false) => new()
    {
        SocketPath = "in-memory",
        AuthToken = Token,
        AutoReconnect = autoReconnect,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    public static async Task<ClientHarness> ConnectAsync(GreengrassIpcOptions? options = null, FakeTimeProvider? time = null)
    {
        var transport = new InMemoryIpcTransport();
        var client = new GreengrassIpcClient(options ?? Options(), timeProvider: time, channelFactory: transport);
        var connecting = client.ConnectAsync(Xunit.TestContext.Current.CancellationToken);
        var server = await transport.AcceptAsync();
        await server.AcceptConnectAsync();
        await connecting;
        return new ClientHarness(client, transport, server, time);
    }

    /// <summary>Waits for the client's next connection and accepts it.</summary>
    public async Task<ScriptedIpcServer> AcceptReconnectAsync()
    {
        Server = await Transport.AcceptAsync();
        await Server.AcceptConnectAsync();
        return Server;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
