using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Nodes;
using EdgeInference.EventStream;
using EdgeInference.Greengrass.Ipc.Rpc;

namespace EdgeInference.Greengrass.Ipc.Tests.Fakes;

/// <summary>One request the client sent on an operation stream.</summary>
public sealed record IpcRequest(int StreamId, string? Operation, RpcMessageFlags Flags, EventStreamMessage Message)
{
    /// <summary>The payload parsed as JSON (null when empty).</summary>
    public JsonNode? Json => Message.Payload.IsEmpty ? null : JsonNode.Parse(Message.Payload.Span);

    /// <summary>The payload as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Message.Payload.Span);
}

/// <summary>
/// The nucleus side of one IPC connection, driven step by step by a test, built on the production codec.
/// Works over any pair of pipes (in-memory or an accepted Unix socket). Every wait is bounded.
/// </summary>
public sealed class ScriptedIpcServer : IAsyncDisposable
{
    /// <summary>Default bound on every receive.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Func<ValueTask>? _onDispose;
    private readonly EventStreamReader _reader;
    private readonly EventStreamWriter _writer;
    private int _disposed;

    /// <summary>Creates a server over the nucleus ends of a connection.</summary>
    public ScriptedIpcServer(PipeReader input, PipeWriter output, Func<ValueTask>? onDispose = null)
    {
        _input = input;
        _output = output;
        _onDispose = onDispose;
        _reader = new EventStreamReader(input);
        _writer = new EventStreamWriter(output);
    }

    /// <summary>Reads the next message, or null when the client closed the connection.</summary>
    public async Task<EventStreamMessage?> TryReceiveAsync(TimeSpan? timeout = null)
    {
        using var bound = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            return await _reader.ReadAsync(bound.Token);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            throw new TimeoutException($"The client sent nothing within {timeout ?? DefaultTimeout}.");
        }
    }

    /// <summary>Reads the next message; fails if the client closed the connection.</summary>
    public async Task<EventStreamMessage> ReceiveAsync(TimeSpan? timeout = null) =>
        await TryReceiveAsync(timeout) ?? throw new InvalidOperationException("The client closed the connection.");

    /// <summary>Reads the CONNECT, checks it, and answers with a ConnectAck (accepted or not; rejected also closes).</summary>
    /// <returns>The auth token the client sent.</returns>
    public async Task<string?> AcceptConnectAsync(bool accept = true)
    {
        var connect = await ReceiveAsync();
        if (!RpcHeaders.TryReadMetadata(connect, out var type, out _, out var streamId) || type != RpcMessageType.Connect || streamId != 0)
        {
            throw new InvalidOperationException($"Expected CONNECT, got {connect}.");
        }

        if (connect.GetHeaderOrNull(RpcHeaders.Version)?.TryGetString() != RpcHeaders.ProtocolVersion)
        {
            throw new InvalidOperationException("CONNECT lacks :version 0.1.0.");
        }

        var token = (string?)JsonNode.Parse(connect.Payload.Span)?["authToken"];
        await SendAsync(RpcHeaders.Build(RpcMessageType.ConnectAck, accept ? RpcMessageFlags.ConnectionAccepted : RpcMessageFlags.None, 0));
        if (!accept)
        {
            await DisposeAsync();
        }

        return token;
    }

    /// <summary>Reads the next application message (skipping nothing).</summary>
    public async Task<IpcRequest> ReceiveRequestAsync(TimeSpan? timeout = null)
    {
        var message = await ReceiveAsync(timeout);
        if (!RpcHeaders.TryReadMetadata(message, out var type, out var flags, out var streamId) || type != RpcMessageType.ApplicationMessage)
        {
            throw new InvalidOperationException($"Expected an application message, got {message}.");
        }

        return new IpcRequest(streamId, message.GetHeaderOrNull(RpcHeaders.Operation)?.TryGetString(), flags, message);
    }

    /// <summary>Sends an operation response (TerminateStream for non-streaming operations).</summary>
    public Task RespondAsync(int streamId, string shape, string json = "{}", bool terminate = true) =>
        SendAsync(RpcHeaders.Build(
            RpcMessageType.ApplicationMessage,
            terminate ? RpcMessageFlags.TerminateStream : RpcMessageFlags.None,
            streamId,
            Encoding.UTF8.GetBytes(json),
            new EventStreamHeader(RpcHeaders.ContentType, RpcHeaders.JsonContentType),
            new EventStreamHeader(RpcHeaders.ServiceModelType, shape)));

    /// <summary>Sends a stream event (flags 0).</summary>
    public Task SendEventAsync(int streamId, string shape, string json) => RespondAsync(streamId, shape, json, terminate: false);

    /// <summary>Sends a modelled error the way the Java nucleus does (ApplicationError, TerminateStream, Gson payload).</summary>
    public Task SendErrorAsync(int streamId, string errorCode, string message, JsonObject? extraMembers = null)
    {
        var payload = new JsonObject
        {
            ["message"] = message,
            ["_service"] = "aws.greengrass#GreengrassCoreIPC",
            ["_message"] = message,
            ["_errorCode"] = errorCode,
        };
        foreach (var (name, value) in extraMembers ?? [])
        {
            payload[name] = value?.DeepClone();
        }

        return SendAsync(RpcHeaders.Build(
            RpcMessageType.ApplicationError,
            RpcMessageFlags.TerminateStream,
            streamId,
            Encoding.UTF8.GetBytes(payload.ToJsonString()),
            new EventStreamHeader(RpcHeaders.ContentType, RpcHeaders.JsonContentType),
            new EventStreamHeader(RpcHeaders.ServiceModelType, "aws.greengrass#" + errorCode)));
    }

    /// <summary>Closes a stream from the nucleus side (empty TerminateStream, as Java <c>closeStream()</c>).</summary>
    public Task CloseStreamAsync(int streamId) =>
        SendAsync(RpcHeaders.Build(RpcMessageType.ApplicationMessage, RpcMessageFlags.TerminateStream, streamId));

    /// <summary>Sends any message.</summary>
    public async Task SendAsync(EventStreamMessage message) => await _writer.WriteAsync(message);

    /// <summary>Sends raw bytes (e.g. a corrupt frame).</summary>
    public async Task SendBytesAsync(byte[] bytes)
    {
        await _output.WriteAsync(bytes);
    }

    /// <summary>Drops the connection (both directions).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _output.CompleteAsync();
        await _input.CompleteAsync();
        if (_onDispose is not null)
        {
            await _onDispose();
        }
    }
}
