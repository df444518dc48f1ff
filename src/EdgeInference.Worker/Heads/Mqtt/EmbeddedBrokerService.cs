using System.Net;
using System.Net.Sockets;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using EdgeInference.Worker.Requests;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeInference.Worker.Heads.Mqtt;

/// <summary>
/// The in-process MQTTnet broker the worker serves on when <c>Mqtt:Host</c> is empty (registered only then). It listens only
/// where <c>Mqtt:EmbeddedBindAddress</c> says (loopback: both families' loopback), refuses packets over the request limit
/// before buffering them, and enforces <see cref="EmbeddedBrokerAccess"/>.
/// </summary>
internal sealed class EmbeddedBrokerService : IHostedLifecycleService, IAsyncDisposable
{
    /// <summary>How long a stop waits for the clients' queued messages (the last replies above all) to be sent.</summary>
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a stop waits, once nothing is queued, for the clients to read and acknowledge the last messages.</summary>
    private static readonly TimeSpan AcknowledgeGrace = TimeSpan.FromMilliseconds(250);

    /// <summary>How old the last reply must be before the clients' acknowledgements are taken as covering it.</summary>
    private static readonly TimeSpan MinimumGrace = TimeSpan.FromMilliseconds(30);

    private readonly MqttOptions _options;
    private readonly LimitsOptions _limits;
    private readonly EmbeddedBrokerAccess _access;
    private readonly EmbeddedBrokerIntake _intake;
    private readonly TimeProvider _time;
    private readonly ILogger<EmbeddedBrokerService> _logger;
    private MqttServer? _server;

    public EmbeddedBrokerService(IOptions<MqttOptions> options, IOptions<LimitsOptions> limits, EmbeddedBrokerAccess access, EmbeddedBrokerIntake intake, TimeProvider time, ILogger<EmbeddedBrokerService> logger)
    {
        _intake = intake;
        _time = time;
        _options = options.Value;
        _limits = limits.Value;
        _access = access;
        _logger = logger;
    }

    /// <summary>The largest packet the broker accepts: a request of Limits:MaxPayloadBytes with its topic and properties.</summary>
    public long MaxPacketBytes => _limits.MaxPayloadBytes + MqttClientOptionsFactory.MqttPacketOverhead;

    /// <summary>Started before the head connects (StartingAsync runs ahead of every StartAsync).</summary>
    /// <exception cref="EmbeddedBrokerException">The port is taken or the address cannot be bound.</exception>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var adapter = new GuardedTcpServerAdapter(ListenAddresses(IPAddress.Parse(_options.EmbeddedBindAddress)), _options.Port, MaxPacketBytes,
            (remote, declared) => WorkerLog.EmbeddedBrokerPacketRefused(_logger, remote?.ToString() ?? "?", declared, MaxPacketBytes));
        _server = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder().Build(), [adapter]);
        _server.ValidatingConnectionAsync += ValidateConnection;
        _server.InterceptingPublishAsync += InterceptPublish;
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

        var server = _server;
        _intake.SetDelivery(message => server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = _access.WorkerClientId }));
        WorkerLog.EmbeddedBrokerStarted(_logger, _options.EmbeddedBindAddress, adapter.BoundPort, _access.RequiresCredentials ? "Mqtt:Username and Mqtt:Password" : "none (loopback)");
    }

    /// <summary>A loopback address listens on both families' loopback (clients resolve <c>localhost</c> either way); any other address alone.</summary>
    private static IPAddress[] ListenAddresses(IPAddress address) =>
        !IPAddress.IsLoopback(address) ? [address]
        : !Socket.OSSupportsIPv6 ? [IPAddress.Loopback]
        : address.AddressFamily == AddressFamily.InterNetworkV6 ? [address, IPAddress.Loopback] : [address, IPAddress.IPv6Loopback];

    private Task ValidateConnection(ValidatingConnectionEventArgs e)
    {
        e.ReasonCode = _access.Check(e.ClientId, e.UserName, e.RawPassword ?? []);
        if (e.ReasonCode != MqttConnectReasonCode.Success)
        {
            WorkerLog.EmbeddedBrokerClientRefused(_logger, e.RemoteEndPoint?.ToString() ?? "?", LogText.Escape(e.ClientId ?? string.Empty, 80), e.ReasonCode.ToString());
            return Task.CompletedTask;
        }

        // Clients that send an empty client id (mosquitto_pub/sub do) get one, as MQTT 3.1.1 and 5 allow.
        if (string.IsNullOrEmpty(e.ClientId))
        {
            e.AssignedClientIdentifier = "auto-" + Guid.NewGuid().ToString("N");
        }

        return Task.CompletedTask;
    }

    private async Task InterceptPublish(InterceptingPublishEventArgs e)
    {
        if (string.Equals(e.ClientId, _access.WorkerClientId, StringComparison.Ordinal))
        {
            return;
        }

        if (!_access.MayPublish(e.ClientId, e.ApplicationMessage.Topic))
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            e.Response.ReasonString = "Only the worker publishes on its status, result and describe-reply topics.";
            WorkerLog.EmbeddedBrokerPublishRefused(_logger, LogText.Escape(e.ClientId ?? string.Empty, 80), LogText.Escape(e.ApplicationMessage.Topic, 120));
            return;
        }

        // A request is dispatched here, from the broker's own copy of the payload: it is neither queued for the worker's
        // connection nor forwarded to other subscribers, and the publisher's PUBACK (Success) says the worker has it.
        if (_intake.TryGetHandler(out var take) && await take(e.ApplicationMessage).ConfigureAwait(false))
        {
            e.ProcessPublish = false;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stopped after the head has drained and disconnected (StoppedAsync runs after every StopAsync).</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        _intake.SetDelivery(null);
        if (_server is { } server)
        {
            await FlushAsync(server, cancellationToken).ConfigureAwait(false);
            await server.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits (bounded) until no connected client has messages queued and each has answered (PUBACK) what it was sent last,
    /// so the replies to the requests drained last are read before the connections close: a connection closed while a
    /// client's acknowledgements are still arriving is reset, and a reset throws away what the client had not read yet.
    /// A client that acknowledges nothing (QoS 0) is waited for at most <see cref="AcknowledgeGrace"/> after the last reply.
    /// </summary>
    private async Task FlushAsync(MqttServer server, CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp() + (long)(FlushTimeout.TotalSeconds * _time.TimestampFrequency);
        for (var attempt = 0; attempt < 200 && _time.GetTimestamp() < deadline; attempt++)
        {
            var clients = (await server.GetClientsAsync().ConfigureAwait(false)).Where(c => c.Id != _access.WorkerClientId).ToList();
            var queued = clients.Any(c => c.Session is { PendingApplicationMessagesCount: > 0 });
            var unanswered = clients.Any(c => c.LastPacketSentTimestamp > c.LastPacketReceivedTimestamp);
            var sinceLastReply = _intake.LastDelivery == 0 ? TimeSpan.MaxValue : _time.GetElapsedTime(_intake.LastDelivery);
            // The statistics' timestamps have a coarse resolution: an acknowledgement counts once the last reply is a few ms old.
            if (!queued && (sinceLastReply >= AcknowledgeGrace || (sinceLastReply >= MinimumGrace && !unanswered)))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
