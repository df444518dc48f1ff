using System.IO.Pipelines;
using System.Net.Sockets;

namespace EdgeInference.Greengrass.Ipc.Tests.Fakes;

/// <summary>Listens on a Unix socket in a temp folder; each accepted connection becomes a <see cref="ScriptedIpcServer"/>.</summary>
public sealed class UnixSocketIpcListener : IDisposable
{
    private readonly Socket _listener;

    /// <summary>Binds and listens on <paramref name="socketPath"/>.</summary>
    public UnixSocketIpcListener(string socketPath)
    {
        SocketPath = socketPath;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(8);
    }

    /// <summary>The socket path.</summary>
    public string SocketPath { get; }

    /// <summary>Accepts the next client (bounded).</summary>
    public async Task<ScriptedIpcServer> AcceptAsync(TimeSpan? timeout = null)
    {
        using var bound = new CancellationTokenSource(timeout ?? ScriptedIpcServer.DefaultTimeout);
        var socket = await _listener.AcceptAsync(bound.Token);
        var stream = new NetworkStream(socket, ownsSocket: true);
        return new ScriptedIpcServer(
            PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)),
            async () =>
            {
                socket.Shutdown(SocketShutdown.Both);
                await stream.DisposeAsync();
            });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _listener.Dispose();
        File.Delete(SocketPath);
    }
}
