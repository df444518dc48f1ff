using System.IO.Pipelines;

namespace EdgeInference.Greengrass.Ipc.Transport;

/// <summary>A connected byte stream to the nucleus, as a pair of pipes. Disposing closes it.</summary>
public interface IIpcChannel : IAsyncDisposable
{
    /// <summary>Bytes from the nucleus.</summary>
    PipeReader Input { get; }

    /// <summary>Bytes to the nucleus.</summary>
    PipeWriter Output { get; }
}

/// <summary>Opens channels to the nucleus; one per (re)connection.</summary>
public interface IIpcChannelFactory
{
    /// <summary>Opens a new channel.</summary>
    /// <exception cref="IpcConnectionException">The nucleus could not be reached.</exception>
    ValueTask<IIpcChannel> ConnectAsync(CancellationToken cancellationToken = default);
}
