using EdgeInference.EventStream;

namespace EdgeInference.Greengrass.Ipc.Rpc;

/// <summary>Receives what arrives on a streaming operation after its response.</summary>
internal interface IRpcStreamObserver
{
    /// <summary>A stream event (ApplicationMessage after the response). Called on the receive loop: must not block.</summary>
    void OnEvent(EventStreamMessage message);

    /// <summary>The nucleus ended the stream: <paramref name="error"/> is null for a clean TerminateStream.</summary>
    void OnStreamClosed(Exception? error);

    /// <summary>The connection carrying the stream dropped.</summary>
    void OnConnectionLost(Exception reason);
}
