using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using EdgeInference.EventStream;
using EdgeInference.Greengrass.Ipc.Rpc;

namespace EdgeInference.Greengrass.Emulator.Rpc;

/// <summary>
/// The nucleus side of one operation stream: the response, later events, errors and the close. Sends after the stream
/// closed (either side) are dropped. Cleanups (unsubscribe) run once, when the stream closes for any reason.
/// </summary>
internal sealed class ServerStream
{
    private static readonly EventStreamHeader JsonContentType = new(RpcHeaders.ContentType, RpcHeaders.JsonContentType);
    private readonly IServerStreamSink _sink;
    private readonly Lock _sync = new();
    private readonly List<Func<ValueTask>> _cleanups = [];
    private readonly TaskCompletionSource _responded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;

    public ServerStream(IServerStreamSink sink, int id, string operation)
    {
        _sink = sink;
        Id = id;
        Operation = operation;
    }

    public int Id { get; }

    public string Operation { get; }

    public bool IsClosed
    {
        get
        {
            lock (_sync)
            {
                return _closed;
            }
        }
    }

    /// <summary>Sends the operation response: TerminateStream for request/response operations, flags 0 for streaming ones.</summary>
    public async ValueTask<bool> RespondAsync<T>(string shape, T response, JsonTypeInfo<T> info, bool terminate, CancellationToken cancellationToken = default)
    {
        try
        {
            return await SendJsonAsync(RpcMessageType.ApplicationMessage, terminate, shape, JsonSerializer.SerializeToUtf8Bytes(response, info), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _responded.TrySetResult();
        }
    }

    /// <summary>
    /// Sends a stream event (flags 0) with an already serialised JSON payload. Events raised before the operation's
    /// response wait for it, so a subscription can be registered before answering without an event overtaking the answer.
    /// </summary>
    public async ValueTask<bool> SendEventAsync(string shape, ReadOnlyMemory<byte> json, CancellationToken cancellationToken = default)
    {
        await _responded.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await SendJsonAsync(RpcMessageType.ApplicationMessage, terminate: false, shape, json, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a modelled error the Java nucleus way: ApplicationError, TerminateStream, Gson-style payload.</summary>
    public ValueTask<bool> SendModelledErrorAsync(string errorCode, string message, JsonObject? extraMembers, CancellationToken cancellationToken = default)
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

        return SendJsonAsync(RpcMessageType.ApplicationError, terminate: true, "aws.greengrass#" + errorCode, Encoding.UTF8.GetBytes(payload.ToJsonString()), cancellationToken);
    }

    /// <summary>The unmodelled error (request not deserialisable, unexpected failure): <c>text/plain</c> <c>InternalServerError</c>.</summary>
    public ValueTask<bool> SendInternalServerErrorAsync(CancellationToken cancellationToken = default) =>
        SendAsync(
            RpcMessageType.ApplicationError,
            terminate: true,
            "InternalServerError"u8.ToArray(),
            [new EventStreamHeader(RpcHeaders.ContentType, "text/plain")],
            cancellationToken);

    /// <summary>An operation outside the service model (only <c>:content-type</c>, no shape).</summary>
    public ValueTask<bool> SendUnsupportedOperationAsync(CancellationToken cancellationToken = default)
    {
        var payload = new JsonObject { ["error"] = "Unsupported Operation", ["message"] = $"{Operation} is an unsupported operation." };
        return SendAsync(RpcMessageType.ApplicationError, terminate: true, Encoding.UTF8.GetBytes(payload.ToJsonString()), [JsonContentType], cancellationToken);
    }

    /// <summary>Closes the stream from the nucleus side (empty TerminateStream, as Java <c>closeStream()</c>).</summary>
    public ValueTask<bool> CloseAsync(CancellationToken cancellationToken = default) =>
        SendAsync(RpcMessageType.ApplicationMessage, terminate: true, ReadOnlyMemory<byte>.Empty, [], cancellationToken);

    /// <summary>Registers work to do when the stream closes; runs it at once when it already has.</summary>
    public async ValueTask OnClosedAsync(Func<ValueTask> cleanup)
    {
        lock (_sync)
        {
            if (!_closed)
            {
                _cleanups.Add(cleanup);
                return;
            }
        }

        await cleanup().ConfigureAwait(false);
    }

    /// <summary>Marks the stream closed (client TerminateStream or connection loss) and runs the cleanups.</summary>
    public async ValueTask CloseFromPeerAsync()
    {
        _responded.TrySetResult();
        Func<ValueTask>[] cleanups;
        lock (_sync)
        {
            if (_closed && _cleanups.Count == 0)
            {
                return;
            }

            _closed = true;
            cleanups = [.. _cleanups];
            _cleanups.Clear();
        }

        foreach (var cleanup in cleanups)
        {
            await cleanup().ConfigureAwait(false);
        }
    }

    private ValueTask<bool> SendJsonAsync(RpcMessageType type, bool terminate, string shape, ReadOnlyMemory<byte> json, CancellationToken cancellationToken) =>
        SendAsync(type, terminate, json, [JsonContentType, new EventStreamHeader(RpcHeaders.ServiceModelType, shape)], cancellationToken);

    private async ValueTask<bool> SendAsync(
        RpcMessageType type, bool terminate, ReadOnlyMemory<byte> payload, EventStreamHeader[] headers, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (_closed)
            {
                return false;
            }

            _closed = terminate;
        }

        var message = RpcHeaders.Build(type, terminate ? RpcMessageFlags.TerminateStream : RpcMessageFlags.None, Id, payload, headers);
        var sent = await _sink.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (terminate)
        {
            _sink.Forget(Id);
            await CloseFromPeerAsync().ConfigureAwait(false);
        }

        return sent;
    }
}

/// <summary>What a <see cref="ServerStream"/> needs from its connection.</summary>
internal interface IServerStreamSink
{
    ValueTask<bool> SendAsync(EventStreamMessage message, CancellationToken cancellationToken);

    void Forget(int streamId);
}
