using System.IO.Pipelines;
using System.Threading.Channels;
using EdgeInference.Greengrass.Ipc.Transport;

namespace EdgeInference.Greengrass.Ipc.Tests.Fakes;

/// <summary>
/// An <see cref="IIpcChannelFactory"/> over in-memory pipes (no sockets). Each client connect yields a
/// <see cref="ScriptedIpcServer"/> for the test to drive; <see cref="RefuseConnections"/> simulates a nucleus that is down.
/// </summary>
public sealed class InMemoryIpcTransport : IIpcChannelFactory
{
    private readonly Channel<ScriptedIpcServer> _accepted = Channel.CreateUnbounded<ScriptedIpcServer>();
    private int _connectAttempts;

    /// <summary>When true, connects fail like a missing socket.</summary>
    public bool RefuseConnections { get; set; }

    /// <summary>How many times the client tried to connect.</summary>
    public int ConnectAttempts => Volatile.Read(ref _connectAttempts);

    /// <inheritdoc />
    public ValueTask<IIpcChannel> ConnectAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _connectAttempts);
        if (RefuseConnections)
        {
            throw new IpcConnectionException("In-memory nucleus is refusing connections.");
        }

        var toServer = new Pipe();
        var toClient = new Pipe();
        _accepted.Writer.TryWrite(new ScriptedIpcServer(toServer.Reader, toClient.Writer));
        return ValueTask.FromResult<IIpcChannel>(new InMemoryChannel(toClient.Reader, toServer.Writer));
    }

    /// <summary>Waits (bounded) for the client's next connection.</summary>
    public async Task<ScriptedIpcServer> AcceptAsync(TimeSpan? timeout = null)
    {
        using var bound = new CancellationTokenSource(timeout ?? ScriptedIpcServer.DefaultTimeout);
        return await _accepted.Reader.ReadAsync(bound.Token);
    }

    private sealed class InMemoryChannel(PipeReader input, PipeWriter output) : IIpcChannel
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;

        public async ValueTask DisposeAsync()
        {
            await Input.CompleteAsync();
            await Output.CompleteAsync();
        }
    }
}
