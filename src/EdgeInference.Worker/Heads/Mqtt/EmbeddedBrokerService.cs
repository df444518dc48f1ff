using System.Net;
using System.Net.Sockets;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace EdgeInference.Worker.Heads.Mqtt;

/// <summary>The in-process MQTTnet broker the worker serves on when <c>Mqtt:Host</c> is empty (registered only then).</summary>
internal sealed class EmbeddedBrokerService : IHostedLifecycleService, IAsyncDisposable
{
    private readonly MqttOptions _options;
    private readonly ILogger<EmbeddedBrokerService> _logger;
    private MqttServer? _server;

    public EmbeddedBrokerService(IOptions<MqttOptions> options, ILogger<EmbeddedBrokerService> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Started before the head connects (StartingAsync runs ahead of every StartAsync).</summary>
    /// <exception cref="EmbeddedBrokerException">The port is taken or the address cannot be bound.</exception>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(_options.EmbeddedBindAddress);
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(_options.Port);
        builder = address.AddressFamily == AddressFamily.InterNetworkV6
            ? builder.WithDefaultEndpointBoundIPV6Address(address).WithDefaultEndpointBoundIPAddress(IPAddress.IsLoopback(address) ? IPAddress.Loopback : IPAddress.None)
            : builder.WithDefaultEndpointBoundIPAddress(address).WithDefaultEndpointBoundIPV6Address(IPAddress.IsLoopback(address) ? IPAddress.IPv6Loopback : IPAddress.None);
        _server = new MqttServerFactory().CreateMqttServer(builder.Build());
        _server.ValidatingConnectionAsync += AssignClientIdentifier;
        try
        {
            await _server.StartAsync().ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            _server.Dispose();
            _server = null;
            throw new EmbeddedBrokerException(ex.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"Mqtt:Port {_options.Port} is already in use on {_options.EmbeddedBindAddress}: set Mqtt:Port to a free port, or Mqtt:Host to the broker that holds it."
                : $"The embedded MQTT broker cannot listen on {_options.EmbeddedBindAddress}:{_options.Port} ({ex.SocketErrorCode}): check Mqtt:EmbeddedBindAddress and Mqtt:Port.", ex);
        }

        WorkerLog.EmbeddedBrokerStarted(_logger, _options.EmbeddedBindAddress, _options.Port);
    }

    /// <summary>Clients that send an empty client id (mosquitto_pub/sub do) get one, as MQTT 3.1.1 and 5 allow.</summary>
    private static Task AssignClientIdentifier(ValidatingConnectionEventArgs e)
    {
        if (string.IsNullOrEmpty(e.ClientId))
        {
            e.AssignedClientIdentifier = "auto-" + Guid.NewGuid().ToString("N");
            e.ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.Success;
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stopped after the head has drained and disconnected (StoppedAsync runs after every StopAsync).</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            await server.StopAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        _server = null;
        return ValueTask.CompletedTask;
    }
}

/// <summary>The embedded broker cannot start.</summary>
public sealed class EmbeddedBrokerException : Exception
{
    public EmbeddedBrokerException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
