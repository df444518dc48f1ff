using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Ipc.Model;
using EdgeInference.Greengrass.Ipc.Rpc;
using Xunit;

namespace EdgeInference.Greengrass.Ipc.Tests;

public sealed class OperationTests
{
    [Fact]
    public async Task PublishToTopicAsync_Binary_SendsSdkIdenticalRequestAndCompletesOnResponse()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var publish = harness.Client.PublishToTopicAsync("test/topic", "hello"u8.ToArray(), TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        Assert.False(publish.IsCompleted);
        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#PublishToTopicResponse");
        await publish;

        Assert.Equal(1, request.StreamId);
        Assert.Equal("aws.greengrass#PublishToTopic", request.Operation);
        Assert.Equal(RpcMessageFlags.None, request.Flags);
        Assert.Equal("""{"topic":"test/topic","publishMessage":{"binaryMessage":{"message":"aGVsbG8="}}}""", request.Text);
    }

    [Fact]
    public async Task PublishToTopicAsync_Json_SendsJsonMessage()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var publish = harness.Client.PublishToTopicAsync("t", new JsonObject { ["score"] = 0.5, ["ok"] = true }, TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#PublishToTopicResponse");
        await publish;

        Assert.Equal("""{"topic":"t","publishMessage":{"jsonMessage":{"message":{"score":0.5,"ok":true}}}}""", request.Text);
    }

    [Fact]
    public async Task ConcurrentCalls_ResponsesOutOfOrder_EachCallGetsItsOwnResponse()
    {
        await using var harness = await ClientHarness.ConnectAsync();
        var token = TestContext.Current.CancellationToken;

        var calls = Enumerable.Range(0, 3)
            .Select(i => harness.Client.GetConfigurationAsync(["k" + i], cancellationToken: token))
            .ToArray();
        var requests = new List<Fakes.IpcRequest>();
        for (var i = 0; i < 3; i++)
        {
            requests.Add(await harness.Server.ReceiveRequestAsync());
        }

        foreach (var request in Enumerable.Reverse(requests))
        {
            var key = (string)request.Json!["keyPath"]![0]!;
            await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#GetConfigurationResponse", $$$"""{"componentName":"c","value":{"{{{key}}}":"{{{key}}}-value"}}""");
        }

        Assert.Equal([1, 2, 3], requests.Select(r => r.StreamId).Order());
        for (var i = 0; i < 3; i++)
        {
            var response = await calls[i];
            Assert.Equal($"k{i}-value", (string?)response.Value!["k" + i]);
        }
    }

    [Fact]
    public async Task UpdateStateAsync_Running_SendsStateEnumValue()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var call = harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#UpdateStateResponse");
        await call;

        Assert.Equal("aws.greengrass#UpdateState", request.Operation);
        Assert.Equal("""{"state":"RUNNING"}""", request.Text);
    }

    [Fact]
    public async Task GetConfigurationAsync_NoKeyPath_OmitsAbsentMembersAndParsesDocument()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var call = harness.Client.GetConfigurationAsync(cancellationToken: TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#GetConfigurationResponse", """{"componentName":"com.example.X","value":{"model":{"threshold":0.7,"labels":["ok","ng"],"none":null}}}""");
        var response = await call;

        Assert.Equal("{}", request.Text);
        Assert.Equal("com.example.X", response.ComponentName);
        Assert.Equal(0.7, (double)response.Value!["model"]!["threshold"]!);
        Assert.Equal(2, response.Value["model"]!["labels"]!.AsArray().Count);
    }

    [Fact]
    public async Task PublishToIoTCoreAsync_Mqtt5Fields_SerialisedWithModelNames()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var call = harness.Client.PublishToIoTCoreAsync(
            new PublishToIoTCoreRequest
            {
                TopicName = "a/b",
                Qos = QualityOfService.AtLeastOnce,
                Payload = "x"u8.ToArray(),
                ResponseTopic = "r/t",
                CorrelationData = [1, 2],
                UserProperties = [new UserProperty { Key = "k", Value = "v" }],
                PayloadFormat = PayloadFormat.Utf8,
                ContentType = "application/json",
                MessageExpiryIntervalSeconds = 60,
            },
            TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#PublishToIoTCoreResponse");
        await call;

        Assert.Equal(
            """{"topicName":"a/b","qos":"1","payload":"eA==","userProperties":[{"key":"k","value":"v"}],"messageExpiryIntervalSeconds":60,"correlationData":"AQI=","responseTopic":"r/t","payloadFormat":"1","contentType":"application/json"}""",
            request.Text);
    }

    [Fact]
    public async Task InvokeAsync_ResponseOfWrongShape_ThrowsProtocol()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var call = harness.Client.UpdateStateAsync(ReportedLifecycleState.Errored, TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#PublishToTopicResponse");

        await Assert.ThrowsAsync<IpcProtocolException>(() => call);
    }

    [Fact]
    public async Task InvokeAsync_StreamClosedBeforeResponse_ThrowsStreamClosed()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var call = harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.CloseStreamAsync(request.StreamId);

        await Assert.ThrowsAsync<IpcStreamClosedException>(() => call);
    }
}
