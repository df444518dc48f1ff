namespace EdgeInference.Greengrass.Ipc;

/// <summary>Base of every error raised by the Greengrass IPC client.</summary>
public abstract class GreengrassIpcException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected GreengrassIpcException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>Base of transport failures: the bytes could not be exchanged (as opposed to the nucleus refusing a request).</summary>
public abstract class IpcTransportException : GreengrassIpcException
{
    /// <summary>Creates the exception.</summary>
    protected IpcTransportException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>The nucleus socket could not be connected (wrong path, nucleus not running, permissions).</summary>
public sealed class IpcConnectionException(string message, Exception? innerException = null)
    : IpcTransportException(message, innerException);

/// <summary>The connection closed (or was closed) while a call was pending, or the client is not connected.</summary>
public sealed class IpcConnectionClosedException(string message, Exception? innerException = null)
    : IpcTransportException(message, innerException);

/// <summary>The peer broke the event-stream RPC protocol (corrupt frame, missing headers, protocol-error message).</summary>
public sealed class IpcProtocolException(string message, Exception? innerException = null)
    : IpcTransportException(message, innerException);

/// <summary>The nucleus rejected the CONNECT handshake (unknown or empty SVCUID token).</summary>
public sealed class IpcAccessDeniedException(string message)
    : GreengrassIpcException(message);

/// <summary>A call or connect attempt did not complete within the configured timeout.</summary>
public sealed class IpcTimeoutException(string message)
    : GreengrassIpcException(message);

/// <summary>The nucleus closed an operation stream before sending its response.</summary>
public sealed class IpcStreamClosedException(string message)
    : GreengrassIpcException(message);
