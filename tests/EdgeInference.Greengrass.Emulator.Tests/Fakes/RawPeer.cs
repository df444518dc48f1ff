using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using EdgeInference.EventStream;
using EdgeInference.Greengrass.Ipc.Rpc;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Fakes;

/// <summary>A peer speaking raw event-stream frames to the emulator, for requests the typed client cannot send.</summary>
public sealed class RawPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly EventStreamReader _reader;
    private readonly EventStreamWriter _writer;

    private RawPeer(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new EventStreamReader(PipeReader.Create(_stream));
        _writer = new EventStreamWriter(PipeWriter.Create(_stream));
    }

    public static async Task<RawPeer> OpenAsync(EmulatorHarness harness)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(harness.Emulator.SocketPath), TestContext.Current.CancellationToken);
        return new RawPeer(socket);
    }

    public static EventStreamMessage Request(int streamId, string operation, string json) =>
        RpcHeaders.Build(RpcMessageType.ApplicationMessage, RpcMessageFlags.None, streamId, Encoding.UTF8.GetBytes(json), new EventStreamHeader(RpcHeaders.Operation, operation));

    public static async Task<RawPeer> ConnectAsync(EmulatorHarness harness, bool accept, string? component = null, JsonObject? configuration = null)
    {
        var token = harness.Emulator.AddComponent(component ?? $"com.example.Raw{Guid.NewGuid():N}", configuration).AuthToken;
        var peer = await OpenAsync(harness);
        await peer.SendAsync(RpcHeaders.Build(
            RpcMessageType.Connect, RpcMessageFlags.None, 0, Encoding.UTF8.GetBytes($$"""{"authToken":"{{(accept ? token : "nope")}}"}"""),
            new EventStreamHeader(RpcHeaders.Version, RpcHeaders.ProtocolVersion)));
        var ack = await peer.ReceiveAsync();
        RpcHeaders.TryReadMetadata(ack!, out var type, out var flags, out _);
        Assert.Equal((RpcMessageType.ConnectAck, RpcMessageFlags.ConnectionAccepted), (type, flags));
        return peer;
    }

    public async Task SendAsync(EventStreamMessage message) => await _writer.WriteAsync(message, TestContext.Current.CancellationToken);

    public async Task<EventStreamMessage?> ReceiveAsync()
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(Bounded.Timeout);
        try
        {
            return await _reader.ReadAsync(bound.Token);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Close();
        await _stream.DisposeAsync();
    }
}
