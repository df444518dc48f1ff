using System.Net;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace EdgeInference.Worker.Heads.Mqtt;

/// <summary>The in-process MQTTnet broker the worker serves on when <c>Mqtt:Host</c> is empty.</summary>
internal sealed class EmbeddedBrokerService : IHostedLifecycleService, IAsyncDisposable
{
    private readonly MqttOptions _options;
    private readonly bool _enabled;
    private readonly ILogger<EmbeddedBrokerService> _logger;
    private MqttServer? _server;

    public EmbeddedBrokerService(IOptions<MqttOptions> options, Hosting.TransportSelection transport, ILogger<EmbeddedBrokerService> logger)
    {
        _options = options.Value;
        _enabled = transport.UsesMqtt && _options.UsesEmbeddedBroker;
        _logger = logger;
    }

    /// <summary>Started before the heads connect (StartingAsync runs ahead of every StartAsync).</summary>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!_enabled)
        {
            return;
        }

        var address = IPAddress.Parse(_options.EmbeddedBindAddress);
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointPort(_options.Port)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.ValidatingConnectionAsync += AssignClientIdentifier;
        await _server.StartAsync().ConfigureAwait(false);
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

    /// <summary>Stopped after the heads have drained and disconnected (StoppedAsync runs after every StopAsync).</summary>
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
