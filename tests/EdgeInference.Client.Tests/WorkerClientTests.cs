using System.Net;
using System.Net.Sockets;
using EdgeInference.Testing;
using MQTTnet.Server;
using Xunit;

namespace EdgeInference.Client.Tests;

/// <summary>MQTT 5 request/response against an in-process MQTTnet broker on 127.0.0.1 (a free port, retried if taken meanwhile).</summary>
public sealed class WorkerClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private MqttServer _broker = null!;
    private int _port;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            _port = FreePort.Next();
            _broker = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder()
                .WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(IPAddress.Loopback).WithDefaultEndpointPort(_port).Build());
            try
            {
                await _broker.StartAsync();
                return;
            }
            catch (SocketException) when (attempt < 5)
            {
                _broker.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _broker.StopAsync();
        _broker.Dispose();
    }

    [Fact]
    public async Task RequestAsync_WorkerRepliesOnResponseTopic_ReturnsThatReply()
    {
        await using var worker = await TestMqttClient.ConnectAsync(_port, cancellationToken: Token);
        await worker.SubscribeAsync("edge-inference/cam/infer", Token);
        var connection = new WorkerConnection { Port = _port, ThingName = "cam" };
        await using var client = await WorkerClient.ConnectAsync(connection, Timeout, Token);

        var reply = client.RequestAsync(connection.InferTopic, [1, 2, 3], Timeout, Token);
        var request = await worker.WaitAsync(m => m.Topic == "edge-inference/cam/infer", Timeout, Token);
        await worker.PublishAsync("elsewhere/noise", "{}"u8.ToArray(), cancellationToken: Token);
        await worker.PublishAsync(request.ResponseTopic!, "{\"ok\":true}"u8.ToArray(), correlationData: request.CorrelationData, cancellationToken: Token);

        Assert.Equal("{\"ok\":true}"u8.ToArray(), await reply);
        Assert.Equal(new byte[] { 1, 2, 3 }, System.Buffers.BuffersExtensions.ToArray(request.Payload));
        Assert.StartsWith("edge-inference/cam/client/", request.ResponseTopic, StringComparison.Ordinal);
        Assert.Equal(16, request.CorrelationData.Length);
    }

    [Fact]
    public async Task RequestAsync_NoWorker_ThrowsNamingTheTopic()
    {
        var connection = new WorkerConnection { Port = _port, ThingName = "nobody" };
        await using var client = await WorkerClient.ConnectAsync(connection, Timeout, Token);

        var error = await Assert.ThrowsAsync<WorkerClientException>(() => client.RequestAsync(connection.DescribeTopic, "{}"u8.ToArray(), TimeSpan.FromMilliseconds(100), Token));

        Assert.Contains("No worker answered on 'edge-inference/nobody/describe'", error.Message, StringComparison.Ordinal);
        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task ConnectAsync_NoBroker_ThrowsNamingTheAddress()
    {
        var port = FreePort.Next();

        var error = await Assert.ThrowsAsync<WorkerClientException>(() => WorkerClient.ConnectAsync(new WorkerConnection { Port = port }, TimeSpan.FromSeconds(2), Token));

        Assert.Contains($"No MQTT broker answered at 127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Topics_DefaultThing_FollowTheWorkerContract()
    {
        var connection = new WorkerConnection();

        Assert.Equal("edge-inference/local/infer", connection.InferTopic);
        Assert.Equal("edge-inference/local/describe", connection.DescribeTopic);
        Assert.Equal("edge-inference/local/status", connection.StatusTopic);
        Assert.Equal("custom/requests", (connection with { RequestTopic = "custom/requests" }).InferTopic);
    }
}
