using System.Collections.Concurrent;
using System.Text;
using EdgeInference.Testing;
using EdgeInference.Worker.Tests.Fixtures;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Xunit;

namespace EdgeInference.Worker.Tests.Heads;

/// <summary>
/// No acknowledged QoS 1 request is lost across a broker restart or a worker restart: the worker keeps a persistent
/// session, keeps replies it could not send in an outbox until it reconnects, and drains accepted requests on SIGTERM.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class FaultToleranceTests
{
    private const string RequestTopic = "edge-inference/test/infer";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BrokerRestart_EveryAcknowledgedRequestIsAnsweredExactlyOnce()
    {
        if (!MosquittoBroker.IsInstalled)
        {
            Assert.Skip("mosquitto is not installed (tests/run.sh installs it).");
        }

        await using var broker = await MosquittoBroker.StartAsync(Token, persistent: true);
        await using var worker = await InProcessWorker.StartAsync(External(broker), Token);
        await using var requester = await DurableRequester.ConnectAsync(broker.Port);
        var acknowledged = new List<string>();

        for (var i = 0; i < 60; i++)
        {
            if (i == 20)
            {
                await broker.StopAsync();
            }

            if (i == 35)
            {
                await broker.StartAgainAsync(Token);
            }

            if (await requester.TryRequestAsync(RequestTopic, $"r{i}", TestImages.Solid(8, 8, (0, 200, 0))))
            {
                acknowledged.Add($"r{i}");
            }

            await Task.Delay(30, Token);
        }

        await requester.WaitForRepliesAsync(acknowledged, TimeSpan.FromSeconds(60));
        Assert.True(acknowledged.Count >= 30, $"only {acknowledged.Count} requests were acknowledged");
        Assert.All(acknowledged, id => Assert.Equal(1, requester.RepliesTo(id)));
    }

    [Fact]
    public async Task WorkerRestart_RequestsSentWhileItWasDown_AreAnsweredWhenItComesBack()
    {
        if (!MosquittoBroker.IsInstalled)
        {
            Assert.Skip("mosquitto is not installed (tests/run.sh installs it).");
        }

        await using var broker = await MosquittoBroker.StartAsync(Token);
        await using var requester = await DurableRequester.ConnectAsync(broker.Port);
        var acknowledged = new List<string>();
        var first = await InProcessWorker.StartAsync(External(broker), Token);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await requester.TryRequestAsync(RequestTopic, $"before-{i}", TestImages.Solid(8, 8, (250, 0, 0))));
            acknowledged.Add($"before-{i}");
        }

        await first.StopAsync(Token);
        await first.DisposeAsync();
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await requester.TryRequestAsync(RequestTopic, $"down-{i}", TestImages.Solid(8, 8, (0, 0, 250))));
            acknowledged.Add($"down-{i}");
        }

        await using var second = await InProcessWorker.StartAsync(External(broker), Token);

        await requester.WaitForRepliesAsync(acknowledged, TimeSpan.FromSeconds(60));
        Assert.All(acknowledged, id => Assert.Equal(1, requester.RepliesTo(id)));
    }

    private static Dictionary<string, string?> External(MosquittoBroker broker) => new()
    {
        ["Mqtt:Host"] = "127.0.0.1",
        ["Mqtt:Port"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mqtt:ClientId"] = "fault-tolerance-worker",
        ["Mqtt:SessionExpirySeconds"] = "300",
    };

    /// <summary>A requester with a persistent session that reconnects by itself: what a camera on a factory network does.</summary>
    private sealed class DurableRequester : IAsyncDisposable
    {
        private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
        private readonly MqttClientOptions _options;
        private readonly ConcurrentDictionary<string, int> _replies = new(StringComparer.Ordinal);
        private readonly CancellationTokenSource _stop = new();
        private readonly string _replyTopic = $"test/durable/{Guid.NewGuid():N}";
        private Task? _reconnect;

        private DurableRequester(int port)
        {
            _options = new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", port)
                .WithTcpServer(o => o.BufferSize = 64 * 1024)
                .WithClientId($"durable-{Guid.NewGuid():N}")
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithCleanStart(false)
                .WithSessionExpiryInterval(300)
                .Build();
            _client.ApplicationMessageReceivedAsync += e =>
            {
                var id = Encoding.UTF8.GetString(e.ApplicationMessage.CorrelationData ?? []);
                _replies.AddOrUpdate(id, 1, (_, n) => n + 1);
                return Task.CompletedTask;
            };
        }

        public static async Task<DurableRequester> ConnectAsync(int port)
        {
            var requester = new DurableRequester(port);
            await requester._client.ConnectAsync(requester._options, Token);
            await requester._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(requester._replyTopic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), Token);
            requester._reconnect = Task.Run(requester.KeepConnectedAsync);
            return requester;
        }

        public int RepliesTo(string id) => _replies.GetValueOrDefault(id);

        /// <summary>Publishes one request at QoS 1; true when the broker acknowledged it.</summary>
        public async Task<bool> TryRequestAsync(string topic, string id, byte[] image)
        {
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(image)
                .WithResponseTopic(_replyTopic)
                .WithCorrelationData(Encoding.UTF8.GetBytes(id))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            try
            {
                using var bound = CancellationTokenSource.CreateLinkedTokenSource(Token);
                bound.CancelAfter(TimeSpan.FromSeconds(5));
                var result = await _client.PublishAsync(message, bound.Token);
                return result.IsSuccess;
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException or OperationCanceledException)
            {
                return false;
            }
        }

        public async Task WaitForRepliesAsync(IReadOnlyCollection<string> ids, TimeSpan timeout)
        {
            for (var waited = TimeSpan.Zero; waited < timeout; waited += TimeSpan.FromMilliseconds(100))
            {
                if (ids.All(id => _replies.ContainsKey(id)))
                {
                    // A moment more, so a duplicate would show.
                    await Task.Delay(500, Token);
                    return;
                }

                await Task.Delay(100, Token);
            }

            throw new TimeoutException($"No reply to {string.Join(", ", ids.Where(id => !_replies.ContainsKey(id)))}.");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_reconnect is not null)
            {
                await _reconnect;
            }

            _client.Dispose();
            _stop.Dispose();
        }

        private async Task KeepConnectedAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(100, _stop.Token);
                    if (!_client.IsConnected)
                    {
                        await _client.ConnectAsync(_options, _stop.Token);
                    }
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
                {
                    // The broker is still away (or MQTTnet is still tearing the last attempt down): try again on the next tick.
                }
            }
        }
    }
}
