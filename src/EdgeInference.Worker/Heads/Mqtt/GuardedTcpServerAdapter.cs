using System.Net;
using System.Net.Sockets;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace EdgeInference.Worker.Heads.Mqtt;

/// <summary>
/// The embedded broker's TCP listener: listens on exactly the endpoints it is given (never every interface of a family, as
/// MQTTnet's default listener does for IPv6) and hands MQTTnet each connection through a <see cref="PacketSizeGuardStream"/>,
/// so no packet over the limit is ever buffered.
/// </summary>
internal sealed class GuardedTcpServerAdapter : IMqttServerAdapter
{
    private readonly IReadOnlyList<IPAddress> _addresses;
    private readonly int _port;
    private readonly long _maxPacketBytes;
    private readonly Action<EndPoint?, long> _onRefused;
    private readonly List<Socket> _listeners = [];
    private CancellationTokenSource? _lifetime;
    private IMqttNetLogger _logger = MqttNetNullLogger.Instance;

    /// <param name="addresses">Where to listen; the first one decides the port when <paramref name="port"/> is 0.</param>
    public GuardedTcpServerAdapter(IReadOnlyList<IPAddress> addresses, int port, long maxPacketBytes, Action<EndPoint?, long> onRefused)
    {
        _addresses = addresses;
        _port = port;
        _maxPacketBytes = maxPacketBytes;
        _onRefused = onRefused;
    }

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>The port listened on (the one the OS chose when 0 was asked for).</summary>
    public int BoundPort { get; private set; }

    /// <exception cref="SocketException">An address cannot be bound (the first failure; nothing stays open).</exception>
    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _logger = logger;
        _lifetime = new CancellationTokenSource();
        var port = _port;
        try
        {
            foreach (var address in _addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                _listeners.Add(socket);
                if (address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    socket.DualMode = false;
                }

                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(128);
                port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            }
        }
        catch
        {
            Close();
            throw;
        }

        BoundPort = port;
        foreach (var listener in _listeners)
        {
            _ = Task.Run(() => AcceptAsync(listener, _lifetime.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync()
    {
        Close();
        return Task.CompletedTask;
    }

    public void Dispose() => Close();

    private void Close()
    {
        _lifetime?.Cancel();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _listeners.Clear();
    }

    private async Task AcceptAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException
                or SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted })
            {
                return;
            }
            catch (SocketException)
            {
                // A connection that failed while being accepted (reset, out of descriptors): keep accepting.
                continue;
            }

            _ = Task.Run(() => ServeAsync(client), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var remote = client.RemoteEndPoint;
        client.NoDelay = true;
        var stream = new PacketSizeGuardStream(new NetworkStream(client, ownsSocket: true), _maxPacketBytes, declared => _onRefused(remote, declared));
        await using (stream.ConfigureAwait(false))
        {
            if (ClientHandler is not { } handler)
            {
                return;
            }

            var channel = new MqttTcpChannel(stream, client.LocalEndPoint, remote, null);
            using var adapter = new MqttChannelAdapter(channel, new MqttPacketFormatterAdapter(new MqttBufferWriter(4096, 65535)), _logger);
            try
            {
                await handler(adapter).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Loop boundary: one client's failure (a refused packet, a reset) never reaches the listener.
            }
        }
    }
}
