using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeInference.Client;

/// <summary>
/// MQTT 5 request/response with a worker: each request carries a ResponseTopic private to this client and a
/// unique CorrelationData; the reply completes the matching call.
/// </summary>
public sealed class WorkerClient : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly string _replyTopic;
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<byte[]>> _pending = new();

    private WorkerClient(IMqttClient client, string replyTopic)
    {
        _client = client;
        _replyTopic = replyTopic;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var correlation = e.ApplicationMessage.CorrelationData;
            if (correlation is { Length: 16 } && _pending.TryRemove(new Guid(correlation), out var waiter))
            {
                waiter.TrySetResult(e.ApplicationMessage.Payload.ToArray());
            }

            return Task.CompletedTask;
        };
    }

    /// <exception cref="WorkerClientException">No broker answered at the address.</exception>
    public static async Task<WorkerClient> ConnectAsync(WorkerConnection connection, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var clientId = $"edge-inference-cli-{Guid.NewGuid():N}";
        var client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(connection.Host, connection.Port)
            .WithTcpServer(o => o.BufferSize = 64 * 1024)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart()
            .WithTimeout(timeout);
        if (!string.IsNullOrEmpty(connection.Username))
        {
            builder.WithCredentials(connection.Username, connection.Password);
        }

        if (connection.UseTls)
        {
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls();
                if (!string.IsNullOrEmpty(connection.TlsCaFile))
                {
                    var trust = new X509Certificate2Collection();
                    trust.ImportFromPemFile(connection.TlsCaFile);
                    tls.WithTrustChain(trust);
                }

                if (!string.IsNullOrEmpty(connection.TlsCertFile) && !string.IsNullOrEmpty(connection.TlsKeyFile))
                {
                    using var pem = X509Certificate2.CreateFromPemFile(connection.TlsCertFile, connection.TlsKeyFile);
                    tls.WithClientCertificates([X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null)]);
                }
            });
        }

        try
        {
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeoutSource.CancelAfter(timeout);
            var connected = await client.ConnectAsync(builder.Build(), timeoutSource.Token).ConfigureAwait(false);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
            {
                client.Dispose();
                throw new WorkerClientException(
                    $"The MQTT broker at {connection.Host}:{connection.Port} refused the connection: {connected.ResultCode}{(string.IsNullOrEmpty(connected.ReasonString) ? "" : $" ({connected.ReasonString})")}" +
                    (connected.ResultCode is MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized ? " — pass the broker's --username and --password (the worker's Mqtt:Username/Mqtt:Password)." : "."));
            }

            var replyTopic = $"edge-inference/{connection.ThingName}/client/{clientId}/reply";
            var workerClient = new WorkerClient(client, replyTopic);
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(replyTopic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), timeoutSource.Token).ConfigureAwait(false);
            return workerClient;
        }
        catch (Exception ex) when (ex is not WorkerClientException && (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            client.Dispose();
            throw new WorkerClientException($"No MQTT broker answered at {connection.Host}:{connection.Port}: {ex.Message} (is the worker running? start it with: dotnet run --project src/EdgeInference.Worker)", ex);
        }
    }

    /// <exception cref="WorkerClientException">No reply within <paramref name="timeout"/>.</exception>
    public async Task<byte[]> RequestAsync(string topic, byte[] payload, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var id = Guid.NewGuid();
        var waiter = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = waiter;
        try
        {
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithResponseTopic(_replyTopic)
                .WithCorrelationData(id.ToByteArray())
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            return await waiter.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new WorkerClientException($"No worker answered on '{topic}' within {timeout.TotalSeconds:0.#} s (is a worker running with this ThingName and broker?).", ex);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Subscribes to <paramref name="topicFilter"/> and yields each message (topic and payload) until
    /// <paramref name="cancellationToken"/> fires; the subscription is set up before the first item is awaited.
    /// </summary>
    public async IAsyncEnumerable<(string Topic, byte[] Payload)> WatchAsync(string topicFilter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var received = System.Threading.Channels.Channel.CreateBounded<(string, byte[])>(
            new System.Threading.Channels.BoundedChannelOptions(64) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest });
        Task Handler(MqttApplicationMessageReceivedEventArgs e)
        {
            if (MqttTopicFilterComparer.Compare(e.ApplicationMessage.Topic, topicFilter) == MqttTopicFilterCompareResult.IsMatch)
            {
                received.Writer.TryWrite((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            }

            return Task.CompletedTask;
        }

        _client.ApplicationMessageReceivedAsync += Handler;
        try
        {
            await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topicFilter, MqttQualityOfServiceLevel.AtMostOnce).Build(), cancellationToken).ConfigureAwait(false);
            while (await received.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (received.Reader.TryRead(out var message))
                {
                    yield return message;
                }
            }
        }
        finally
        {
            _client.ApplicationMessageReceivedAsync -= Handler;
            if (_client.IsConnected)
            {
                await _client.UnsubscribeAsync(topicFilter, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Subscribes to <paramref name="topic"/> (retained message included) and returns the first message <paramref name="accept"/> takes, or null on timeout.</summary>
    public async Task<byte[]?> WaitForMessageAsync(string topic, Func<byte[], bool> accept, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task Handler(MqttApplicationMessageReceivedEventArgs e)
        {
            if (e.ApplicationMessage.Topic == topic && accept(e.ApplicationMessage.Payload.ToArray()))
            {
                received.TrySetResult(e.ApplicationMessage.Payload.ToArray());
            }

            return Task.CompletedTask;
        }

        _client.ApplicationMessageReceivedAsync += Handler;
        try
        {
            await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
            return await received.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _client.ApplicationMessageReceivedAsync -= Handler;
            await _client.UnsubscribeAsync(topic, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var waiter in _pending.Values)
        {
            waiter.TrySetCanceled();
        }

        if (_client.IsConnected)
        {
            await _client.DisconnectAsync().ConfigureAwait(false);
        }

        _client.Dispose();
    }
}

/// <summary>The worker could not be reached or did not answer.</summary>
public sealed class WorkerClientException : Exception
{
    public WorkerClientException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
