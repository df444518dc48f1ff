using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeInference.Testing;

/// <summary>An MQTTnet client for tests: records every message it receives and waits for the ones a test expects.</summary>
public sealed class TestMqttClient : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ConcurrentQueue<MqttApplicationMessage> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly TaskCompletionSource<MqttClientDisconnectedEventArgs> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestMqttClient(IMqttClient client)
    {
        _client = client;
        _client.DisconnectedAsync += e =>
        {
            _disconnected.TrySetResult(e);
            return Task.CompletedTask;
        };
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _received.Enqueue(e.ApplicationMessage);
            _arrived.Release();
            return Task.CompletedTask;
        };
    }

    /// <summary>The first disconnection after connecting (with the broker's reason, when it sent one).</summary>
    public Task<MqttClientDisconnectedEventArgs> Disconnected => _disconnected.Task;

    public static async Task<TestMqttClient> ConnectAsync(
        int port, MqttProtocolVersion version = MqttProtocolVersion.V500, CancellationToken cancellationToken = default, string? userName = null, string? password = null, string? clientId = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithTcpServer(o => o.BufferSize = 64 * 1024)
            .WithClientId(clientId ?? $"test-{Guid.NewGuid():N}")
            .WithProtocolVersion(version)
            .WithCleanStart()
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (userName is not null)
        {
            builder.WithCredentials(userName, password);
        }

        try
        {
            var result = await client.ConnectAsync(builder.Build(), cancellationToken);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException($"The broker refused the connection: {result.ResultCode} {result.ReasonString}");
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return new TestMqttClient(client);
    }

    public async Task SubscribeAsync(string topic, CancellationToken cancellationToken = default) =>
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);

    public async Task<MqttClientPublishResult> PublishAsync(
        string topic, byte[] payload, string? responseTopic = null, byte[]? correlationData = null, CancellationToken cancellationToken = default, bool retain = false)
    {
        var builder = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(retain);
        if (responseTopic is not null)
        {
            builder.WithResponseTopic(responseTopic);
        }

        if (correlationData is not null)
        {
            builder.WithCorrelationData(correlationData);
        }

        return await _client.PublishAsync(builder.Build(), cancellationToken);
    }

    /// <summary>Waits for the next message matching <paramref name="match"/> (earlier non-matching ones stay recorded).</summary>
    public async Task<MqttApplicationMessage> WaitAsync(Func<MqttApplicationMessage, bool> match, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        var skipped = new List<MqttApplicationMessage>();
        try
        {
            while (true)
            {
                while (_received.TryDequeue(out var message))
                {
                    if (match(message))
                    {
                        return message;
                    }

                    skipped.Add(message);
                }

                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero || !await _arrived.WaitAsync(remaining, cancellationToken))
                {
                    throw new TimeoutException($"No matching message within the timeout; {skipped.Count} others arrived: {string.Join(" | ", skipped.Select(m => $"{m.Topic}: {Text(m)[..Math.Min(200, Text(m).Length)]}"))}");
                }
            }
        }
        finally
        {
            foreach (var message in skipped)
            {
                _received.Enqueue(message);
            }
        }
    }

    /// <summary>Publishes with a response topic and correlation data and waits for the reply that echoes it.</summary>
    public async Task<JsonElement> RequestAsync(string topic, byte[] payload, CancellationToken cancellationToken = default, TimeSpan? timeout = null)
    {
        var replyTopic = $"test/replies/{Guid.NewGuid():N}";
        await SubscribeAsync(replyTopic, cancellationToken);
        var correlation = Guid.NewGuid().ToByteArray();
        await PublishAsync(topic, payload, replyTopic, correlation, cancellationToken);
        var reply = await WaitAsync(m => m.Topic == replyTopic, timeout, cancellationToken);
        if (!reply.CorrelationData.AsSpan().SequenceEqual(correlation))
        {
            throw new InvalidOperationException("The reply did not echo the correlation data.");
        }

        return Json(reply);
    }

    public static string Text(MqttApplicationMessage message) => Encoding.UTF8.GetString(message.Payload.ToArray());

    public static JsonElement Json(MqttApplicationMessage message) => JsonDocument.Parse(message.Payload.ToArray()).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync();
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // The broker went away first (tests that stop an embedded broker): nothing left to close.
            }
        }

        _client.Dispose();
        _arrived.Dispose();
    }
}
