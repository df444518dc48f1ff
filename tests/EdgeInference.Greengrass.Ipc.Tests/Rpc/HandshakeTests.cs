using System.Text;
using EdgeInference.EventStream;
using EdgeInference.Greengrass.Ipc.Rpc;
using EdgeInference.Greengrass.Ipc.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace EdgeInference.Greengrass.Ipc.Tests.Rpc;

public sealed class HandshakeTests
{
    [Fact]
    public async Task ConnectAsync_Accepted_SendsConnectFrameByteIdenticalToAwsSdk()
    {
        var transport = new InMemoryIpcTransport();
        await using var client = new GreengrassIpcClient(ClientHarness.Options(), channelFactory: transport);

        var connecting = client.ConnectAsync(TestContext.Current.CancellationToken);
        await using var server = await transport.AcceptAsync();
        var connect = await server.ReceiveAsync();
        await server.SendAsync(RpcHeaders.Build(RpcMessageType.ConnectAck, RpcMessageFlags.ConnectionAccepted, 0));
        await connecting;

        // Same headers, values and payload as the aws-iot-device-sdk-v2 capture (greengrass-ipc.md section 2.3); header order differs.
        Assert.Equal("0.1.0", connect.GetHeaderOrNull(":version")?.AsString());
        Assert.Equal((int)RpcMessageType.Connect, connect.GetHeaderOrNull(":message-type")?.AsInt32());
        Assert.Equal(0, connect.GetHeaderOrNull(":message-flags")?.AsInt32());
        Assert.Equal(0, connect.GetHeaderOrNull(":stream-id")?.AsInt32());
        Assert.Equal("""{"authToken":"ABCDEFGHIJKLMNOP"}""", Encoding.UTF8.GetString(connect.Payload.Span));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task ConnectAsync_Rejected_ThrowsAccessDenied()
    {
        var transport = new InMemoryIpcTransport();
        await using var client = new GreengrassIpcClient(ClientHarness.Options(), channelFactory: transport);

        var connecting = client.ConnectAsync(TestContext.Current.CancellationToken);
        var server = await transport.AcceptAsync();
        Assert.Equal(ClientHarness.Token, await server.AcceptConnectAsync(accept: false));

        var error = await Assert.ThrowsAsync<IpcAccessDeniedException>(() => connecting);
        Assert.Contains("SVCUID", error.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task ConnectAsync_ServerClosesWithoutAck_ThrowsConnectionClosed()
    {
        var transport = new InMemoryIpcTransport();
        await using var client = new GreengrassIpcClient(ClientHarness.Options(), channelFactory: transport);

        var connecting = client.ConnectAsync(TestContext.Current.CancellationToken);
        var server = await transport.AcceptAsync();
        await server.ReceiveAsync();
        await server.DisposeAsync();

        await Assert.ThrowsAsync<IpcConnectionClosedException>(() => connecting);
    }

    [Fact]
    public async Task ConnectAsync_AnswerIsNotConnectAck_ThrowsProtocol()
    {
        var transport = new InMemoryIpcTransport();
        await using var client = new GreengrassIpcClient(ClientHarness.Options(), channelFactory: transport);

        var connecting = client.ConnectAsync(TestContext.Current.CancellationToken);
        await using var server = await transport.AcceptAsync();
        await server.ReceiveAsync();
        await server.SendAsync(RpcHeaders.Build(RpcMessageType.ApplicationMessage, RpcMessageFlags.None, 1, "{}"u8.ToArray()));

        await Assert.ThrowsAsync<IpcProtocolException>(() => connecting);
    }

    [Fact]
    public async Task ConnectAsync_NoAckBeforeConnectTimeout_ThrowsTimeout()
    {
        var time = new FakeTimeProvider();
        var transport = new InMemoryIpcTransport();
        var options = ClientHarness.Options();
        options.ConnectTimeout = TimeSpan.FromSeconds(3);
        await using var client = new GreengrassIpcClient(options, timeProvider: time, channelFactory: transport);

        var connecting = client.ConnectAsync(TestContext.Current.CancellationToken);
        await using var server = await transport.AcceptAsync();
        await server.ReceiveAsync();
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(connecting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<IpcTimeoutException>(() => connecting);
        Assert.Contains("3 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_SocketUnavailable_ThrowsConnectionException()
    {
        var transport = new InMemoryIpcTransport { RefuseConnections = true };
        await using var client = new GreengrassIpcClient(ClientHarness.Options(), channelFactory: transport);

        await Assert.ThrowsAsync<IpcConnectionException>(() => client.ConnectAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Operation_BeforeConnect_ThrowsNotConnected()
    {
        await using var client = new GreengrassIpcClient(ClientHarness.Options(), channelFactory: new InMemoryIpcTransport());

        var error = await Assert.ThrowsAsync<IpcConnectionClosedException>(
            () => client.UpdateStateAsync(Ipc.Model.ReportedLifecycleState.Running, TestContext.Current.CancellationToken));
        Assert.Contains("ConnectAsync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PingAsync_ServerAnswers_ReturnsAndServerPingIsEchoed()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var ping = harness.Client.PingAsync(TestContext.Current.CancellationToken);
        var received = await harness.Server.ReceiveAsync();
        Assert.Equal((int)RpcMessageType.Ping, received.GetHeaderOrNull(RpcHeaders.MessageType)?.AsInt32());
        await harness.Server.SendAsync(RpcHeaders.Build(RpcMessageType.PingResponse, RpcMessageFlags.None, 0));
        await ping;

        await harness.Server.SendAsync(RpcHeaders.Build(RpcMessageType.Ping, RpcMessageFlags.None, 0, "abc"u8.ToArray(), new EventStreamHeader("x-probe", "1")));
        var pong = await harness.Server.ReceiveAsync();
        Assert.Equal((int)RpcMessageType.PingResponse, pong.GetHeaderOrNull(RpcHeaders.MessageType)?.AsInt32());
        Assert.Equal("1", pong.GetHeaderOrNull("x-probe")?.AsString());
        Assert.Equal("abc"u8.ToArray(), pong.Payload.ToArray());
    }
}
