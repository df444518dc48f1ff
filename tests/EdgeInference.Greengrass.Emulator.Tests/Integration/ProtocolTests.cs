using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using EdgeInference.EventStream;
using EdgeInference.Greengrass.Emulator.Tests.Fakes;
using EdgeInference.Greengrass.Ipc.Rpc;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Integration;

/// <summary>Connection-level behaviour on raw event-stream frames, as the aws-c-event-stream server and the Java nucleus answer.</summary>
public sealed class ProtocolTests
{
    [Fact]
    public async Task Ping_AfterConnect_IsAnsweredWithPayloadAndCustomHeadersEchoed()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var peer = await RawPeer.ConnectAsync(harness, accept: true);

        await peer.SendAsync(RpcHeaders.Build(RpcMessageType.Ping, RpcMessageFlags.None, 0, "ping!"u8.ToArray(), new EventStreamHeader("x-probe", "1")));
        var answer = await peer.ReceiveAsync();

        RpcHeaders.TryReadMetadata(answer!, out var type, out _, out var streamId);
        Assert.Equal((RpcMessageType.PingResponse, 0), (type, streamId));
        Assert.Equal("ping!", Encoding.UTF8.GetString(answer!.Payload.Span));
        Assert.Equal("1", answer.GetHeaderOrNull("x-probe")?.TryGetString());
    }

    [Fact]
    public async Task FirstMessage_NotConnect_GetsProtocolErrorAndClose()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var peer = await RawPeer.OpenAsync(harness);

        await peer.SendAsync(RpcHeaders.Build(RpcMessageType.Ping, RpcMessageFlags.None, 0));
        var answer = await peer.ReceiveAsync();

        RpcHeaders.TryReadMetadata(answer!, out var type, out _, out _);
        Assert.Equal(RpcMessageType.ProtocolError, type);
        Assert.Contains("CONNECT", (string?)JsonNode.Parse(answer!.Payload.Span)!["message"], StringComparison.Ordinal);
        Assert.Null(await peer.ReceiveAsync());
    }

    [Fact]
    public async Task Connect_WrongVersion_GetsConnectAckWithoutAcceptedFlagAndClose()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var token = harness.Emulator.AddComponent("com.example.A").AuthToken;
        await using var peer = await RawPeer.OpenAsync(harness);

        await peer.SendAsync(RpcHeaders.Build(
            RpcMessageType.Connect, RpcMessageFlags.None, 0, Encoding.UTF8.GetBytes($$"""{"authToken":"{{token}}"}"""), new EventStreamHeader(RpcHeaders.Version, "0.2.0")));
        var ack = await peer.ReceiveAsync();

        RpcHeaders.TryReadMetadata(ack!, out var type, out var flags, out _);
        Assert.Equal((RpcMessageType.ConnectAck, RpcMessageFlags.None), (type, flags));
        Assert.True(ack!.Payload.IsEmpty);
        Assert.Null(await peer.ReceiveAsync());
    }

    [Fact]
    public async Task NewStream_SkippingAnId_GetsProtocolError()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var peer = await RawPeer.ConnectAsync(harness, accept: true);

        await peer.SendAsync(Request(2, "aws.greengrass#GetConfiguration", "{}"));
        var answer = await peer.ReceiveAsync();

        RpcHeaders.TryReadMetadata(answer!, out var type, out _, out _);
        Assert.Equal(RpcMessageType.ProtocolError, type);
        Assert.Contains("monotonically", Encoding.UTF8.GetString(answer!.Payload.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_NotJson_GetsPlainTextInternalServerError()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var peer = await RawPeer.ConnectAsync(harness, accept: true);

        await peer.SendAsync(Request(1, "aws.greengrass#PublishToTopic", "{not json"));
        var answer = await peer.ReceiveAsync();

        RpcHeaders.TryReadMetadata(answer!, out var type, out var flags, out var streamId);
        Assert.Equal((RpcMessageType.ApplicationError, RpcMessageFlags.TerminateStream, 1), (type, flags, streamId));
        Assert.Equal("text/plain", answer!.GetHeaderOrNull(RpcHeaders.ContentType)?.TryGetString());
        Assert.Null(answer.GetHeaderOrNull(RpcHeaders.ServiceModelType));
        Assert.Equal("InternalServerError", Encoding.UTF8.GetString(answer.Payload.Span));
    }

    [Fact]
    public async Task Request_OperationOutsideTheModel_GetsUnsupportedOperationError()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var peer = await RawPeer.ConnectAsync(harness, accept: true);

        await peer.SendAsync(Request(1, "example#DoThings", "{}"));
        var answer = await peer.ReceiveAsync();

        var payload = JsonNode.Parse(answer!.Payload.Span)!;
        Assert.Equal("Unsupported Operation", (string?)payload["error"]);
        Assert.Equal("example#DoThings is an unsupported operation.", (string?)payload["message"]);
    }

    [Fact]
    public async Task StreamingResponse_HasNoTerminateFlagAndModelHeaders_RequestResponseHasIt()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var peer = await RawPeer.ConnectAsync(harness, accept: true);

        await peer.SendAsync(Request(1, "aws.greengrass#SubscribeToConfigurationUpdate", "{}"));
        var streaming = await peer.ReceiveAsync();
        await peer.SendAsync(Request(2, "aws.greengrass#GetConfiguration", "{}"));
        var single = await peer.ReceiveAsync();

        RpcHeaders.TryReadMetadata(streaming!, out _, out var streamingFlags, out _);
        RpcHeaders.TryReadMetadata(single!, out _, out var singleFlags, out var singleStream);
        Assert.Equal(RpcMessageFlags.None, streamingFlags);
        Assert.Equal("aws.greengrass#SubscribeToConfigurationUpdateResponse", streaming!.GetHeaderOrNull(RpcHeaders.ServiceModelType)?.TryGetString());
        Assert.Equal((RpcMessageFlags.TerminateStream, 2), (singleFlags, singleStream));
        Assert.Equal("application/json", single!.GetHeaderOrNull(RpcHeaders.ContentType)?.TryGetString());
    }

    private static EventStreamMessage Request(int streamId, string operation, string json) => RawPeer.Request(streamId, operation, json);
}
