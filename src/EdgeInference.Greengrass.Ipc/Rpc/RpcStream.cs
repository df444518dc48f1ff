using EdgeInference.EventStream;

namespace EdgeInference.Greengrass.Ipc.Rpc;

/// <summary>One operation stream: completes its response once, then forwards events to an optional observer.</summary>
internal sealed class RpcStream
{
    private readonly TaskCompletionSource<EventStreamMessage> _response =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly IRpcStreamObserver? _observer;
    private bool _responded;

    public RpcStream(int id, string operation, IRpcStreamObserver? observer)
    {
        Id = id;
        Operation = operation;
        _observer = observer;
    }

    public int Id { get; }

    public string Operation { get; }

    /// <summary>The first message of the stream, or the error that replaced it. Its reader calls <see cref="EventStreamMessage.Release"/> once done with it.</summary>
    public Task<EventStreamMessage> Response => _response.Task;

    /// <summary>Handles one message for this stream (on the receive loop).</summary>
    /// <returns>
    /// True when <paramref name="message"/> became <see cref="Response"/> (its reader releases it); otherwise it has been
    /// read to the end (the observer copies out what it keeps) and may be released.
    /// </returns>
    public bool OnMessage(RpcMessageType type, RpcMessageFlags flags, EventStreamMessage message)
    {
        var terminate = flags.HasFlag(RpcMessageFlags.TerminateStream);
        var isError = type == RpcMessageType.ApplicationError;
        var isBareTerminate = terminate && !isError && message.Payload.IsEmpty
            && message.GetHeaderOrNull(RpcHeaders.ServiceModelType) is null;

        if (!_responded)
        {
            _responded = true;
            if (isError)
            {
                Fail(IpcErrorFactory.FromApplicationError(Operation, message));
                return false;
            }

            if (isBareTerminate)
            {
                Fail(IpcErrorFactory.StreamClosedBeforeResponse(Operation));
                return false;
            }

            var kept = _response.TrySetResult(message);
            if (terminate)
            {
                _observer?.OnStreamClosed(null);
            }

            return kept;
        }

        if (isError)
        {
            _observer?.OnStreamClosed(IpcErrorFactory.FromApplicationError(Operation, message));
            return false;
        }

        if (!isBareTerminate)
        {
            _observer?.OnEvent(message);
        }

        if (terminate)
        {
            _observer?.OnStreamClosed(null);
        }

        return false;
    }

    /// <summary>The connection dropped: fail a pending response and tell the observer.</summary>
    public void OnConnectionLost(Exception reason)
    {
        Fail(reason);
        _observer?.OnConnectionLost(reason);
    }

    private void Fail(Exception error)
    {
        if (_response.TrySetException(error))
        {
            _ = _response.Task.Exception; // observed: a caller that timed out must not leave an unobserved fault
        }
    }
}
