using System.Net.Sockets;

namespace EdgeInference.Testing;

/// <summary>
/// A byte relay from one Unix socket path to another, so a test can cut every live connection (as a nucleus restart or
/// a dropped socket would) while the server behind it keeps its state. Loopback only; stopped on dispose.
/// </summary>
public sealed class UnixSocketRelay : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly string _target;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(Socket Client, Socket Server)> _pairs = [];
    private readonly Lock _sync = new();
    private readonly Task _acceptLoop;
    private int _accepted;

    private UnixSocketRelay(Socket listener, string path, string target)
    {
        _listener = listener;
        Path = path;
        _target = target;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public string Path { get; }

    /// <summary>Connections accepted so far (a reconnect shows as one more).</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public static UnixSocketRelay Start(string path, string target)
    {
        File.Delete(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(16);
        return new UnixSocketRelay(listener, path, target);
    }

    /// <summary>Closes every relayed connection at once; new connections are still accepted.</summary>
    public void DropConnections()
    {
        (Socket Client, Socket Server)[] pairs;
        lock (_sync)
        {
            pairs = [.. _pairs];
            _pairs.Clear();
        }

        foreach (var (client, server) in pairs)
        {
            client.Dispose();
            server.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        DropConnections();
        await _acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
        File.Delete(Path);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var server = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await server.ConnectAsync(new UnixDomainSocketEndPoint(_target), _stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            Interlocked.Increment(ref _accepted);
            lock (_sync)
            {
                _pairs.Add((client, server));
            }

            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    break;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The other side went away or the test dropped the connection.
        }

        try
        {
            to.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }
}
