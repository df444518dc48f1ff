using EdgeInference.Greengrass.Ipc.Model;
using EdgeInference.Greengrass.Ipc.Rpc;
using Xunit;

namespace EdgeInference.Greengrass.Ipc.Tests;

public sealed class SubscriptionTests
{
    private static async Task<T> NextAsync<T>(IpcSubscription<T> subscription)
        where T : class
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(10));
        return await subscription.Events.ReadAsync(bound.Token);
    }

    [Fact]
    public async Task SubscribeToTopicAsync_BinaryAndJsonEvents_ArriveInOrderAndDisposeTerminatesStream()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var subscribing = harness.Client.SubscribeToTopicAsync("demo/#", ReceiveMode.ReceiveMessagesFromOthers, TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#SubscribeToTopicResponse", terminate: false);
        var subscription = await subscribing;
        await harness.Server.SendEventAsync(request.StreamId, "aws.greengrass#SubscriptionResponseMessage", """{"binaryMessage":{"message":"aGVsbG8=","context":{"topic":"demo/a"}}}""");
        await harness.Server.SendEventAsync(request.StreamId, "aws.greengrass#SubscriptionResponseMessage", """{"jsonMessage":{"message":{"n":1},"context":{"topic":"demo/b"}}}""");

        var first = await NextAsync(subscription);
        var second = await NextAsync(subscription);
        await subscription.DisposeAsync();
        var terminate = await harness.Server.ReceiveRequestAsync();

        Assert.Equal("""{"topic":"demo/#","receiveMode":"RECEIVE_MESSAGES_FROM_OTHERS"}""", request.Text);
        Assert.Equal("hello"u8.ToArray(), first.BinaryMessage!.Message);
        Assert.Equal("demo/a", first.Topic);
        Assert.Equal(1, (int)second.JsonMessage!.Message!["n"]!);
        Assert.Equal("demo/b", second.Topic);
        Assert.Equal(request.StreamId, terminate.StreamId);
        Assert.Equal(RpcMessageFlags.TerminateStream, terminate.Flags);
        Assert.True(terminate.Message.Payload.IsEmpty);
        await subscription.Completion.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task SubscribeToTopicAsync_ErrorInsteadOfResponse_ThrowsModelledError()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var subscribing = harness.Client.SubscribeToTopicAsync("", cancellationToken: TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.SendErrorAsync(request.StreamId, "InvalidArgumentsError", "Subscribe topic must not be empty");

        var error = await Assert.ThrowsAsync<InvalidArgumentsErrorException>(() => subscribing);
        Assert.Equal("Subscribe topic must not be empty", error.ServiceMessage);
    }

    [Fact]
    public async Task Subscription_NucleusClosesStream_EventsComplete()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var subscribing = harness.Client.SubscribeToIoTCoreAsync("cmd/#", QualityOfService.AtLeastOnce, TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#SubscribeToIoTCoreResponse", terminate: false);
        var subscription = await subscribing;
        await harness.Server.SendEventAsync(
            request.StreamId, "aws.greengrass#IoTCoreMessage",
            """{"message":{"topicName":"cmd/1","payload":"eA==","correlationData":"AQI=","responseTopic":"r/1","userProperties":[{"key":"k","value":"v"}],"payloadFormat":"1"}}""");
        await harness.Server.CloseStreamAsync(request.StreamId);

        var events = new List<IoTCoreMessage>();
        await foreach (var item in subscription.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            events.Add(item);
        }

        Assert.Equal("""{"topicName":"cmd/#","qos":"1"}""", request.Text);
        var message = Assert.Single(events).Message!;
        Assert.Equal("cmd/1", message.TopicName);
        Assert.Equal("x"u8.ToArray(), message.Payload);
        Assert.Equal(new byte[] { 1, 2 }, message.CorrelationData);
        Assert.Equal("r/1", message.ResponseTopic);
        Assert.Equal("v", message.UserProperties![0].Value);
        Assert.Equal(PayloadFormat.Utf8, message.PayloadFormat);
    }

    [Fact]
    public async Task Subscription_ErrorAfterResponse_FaultsEvents()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var subscribing = harness.Client.SubscribeToConfigurationUpdateAsync(["model"], cancellationToken: TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#SubscribeToConfigurationUpdateResponse", terminate: false);
        var subscription = await subscribing;
        await harness.Server.SendEventAsync(request.StreamId, "aws.greengrass#ConfigurationUpdateEvents", """{"configurationUpdateEvent":{"componentName":"c","keyPath":["model","threshold"]}}""");
        await harness.Server.SendErrorAsync(request.StreamId, "ServiceError", "config store went away");

        var update = await NextAsync(subscription);
        Assert.Equal(["model", "threshold"], update.ConfigurationUpdateEvent!.KeyPath!);
        await Assert.ThrowsAsync<ServiceErrorException>(() => subscription.Completion.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Subscription_UnreadableEvent_IsDroppedAndLaterEventsStillArrive()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var subscribing = harness.Client.SubscribeToTopicAsync("t", cancellationToken: TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#SubscribeToTopicResponse", terminate: false);
        var subscription = await subscribing;
        await harness.Server.SendEventAsync(request.StreamId, "aws.greengrass#SubscriptionResponseMessage", "not json");
        await harness.Server.SendEventAsync(request.StreamId, "aws.greengrass#SubscriptionResponseMessage", """{"binaryMessage":{"message":"AA=="}}""");

        var item = await NextAsync(subscription);

        Assert.Equal(new byte[] { 0 }, item.BinaryMessage!.Message);
        Assert.True(harness.Client.IsConnected);
    }

    [Fact]
    public async Task Subscription_SlowReader_DropsOldestWithoutBlockingOtherCalls()
    {
        var options = ClientHarness.Options();
        options.SubscriptionBufferCapacity = 2;
        await using var harness = await ClientHarness.ConnectAsync(options);
        var token = TestContext.Current.CancellationToken;

        var subscribing = harness.Client.SubscribeToTopicAsync("t", cancellationToken: token);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#SubscribeToTopicResponse", terminate: false);
        var subscription = await subscribing;
        for (var i = 0; i < 5; i++)
        {
            await harness.Server.SendEventAsync(request.StreamId, "aws.greengrass#SubscriptionResponseMessage", "{\"jsonMessage\":{\"message\":{\"i\":" + i + "}}}");
        }

        var call = harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, token);
        var callRequest = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(callRequest.StreamId, "aws.greengrass#UpdateStateResponse");
        await call;

        Assert.Equal(3, (int)(await NextAsync(subscription)).JsonMessage!.Message!["i"]!);
        Assert.Equal(4, (int)(await NextAsync(subscription)).JsonMessage!.Message!["i"]!);
        Assert.Equal(3, subscription.DroppedEvents);
    }

    [Fact]
    public async Task SubscribeToTopicRawAsync_BinaryAndJsonEvents_SameRequestAndMessagesAsSent()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var subscribing = harness.Client.SubscribeToTopicRawAsync("demo/#", ReceiveMode.ReceiveMessagesFromOthers, TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#SubscribeToTopicResponse", terminate: false);
        var subscription = await subscribing;
        await harness.Server.SendEventAsync(request.StreamId, "aws.greengrass#SubscriptionResponseMessage", """{"binaryMessage":{"message":"aGVsbG8=","context":{"topic":"demo/a"}}}""");
        await harness.Server.SendEventAsync(request.StreamId, "aws.greengrass#SubscriptionResponseMessage", """{"jsonMessage":{"message":{"n": 1,"s":"x"},"context":{"topic":"demo/b"}}}""");

        var first = await NextAsync(subscription);
        var second = await NextAsync(subscription);
        await subscription.DisposeAsync();
        var terminate = await harness.Server.ReceiveRequestAsync();

        Assert.Equal("""{"topic":"demo/#","receiveMode":"RECEIVE_MESSAGES_FROM_OTHERS"}""", request.Text);
        Assert.Equal(("demo/a", false), (first.Topic, first.IsJson));
        Assert.Equal("hello"u8.ToArray(), first.Message.ToArray());
        Assert.Equal(("demo/b", true), (second.Topic, second.IsJson));
        Assert.Equal("""{"n": 1,"s":"x"}""", System.Text.Encoding.UTF8.GetString(second.Message.Span));
        Assert.Equal(RpcMessageFlags.TerminateStream, terminate.Flags);
    }

    [Fact]
    public async Task Subscription_EventsReadAfterLaterFramesArrived_KeepTheirOwnBytes()
    {
        // Frames are pooled: each event must hold copies, not the frame a later event reuses.
        await using var harness = await ClientHarness.ConnectAsync();
        var token = TestContext.Current.CancellationToken;
        var rawSubscribing = harness.Client.SubscribeToTopicRawAsync("raw", cancellationToken: token);
        var rawRequest = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(rawRequest.StreamId, "aws.greengrass#SubscribeToTopicResponse", terminate: false);
        var raw = await rawSubscribing;
        var typedSubscribing = harness.Client.SubscribeToTopicAsync("typed", cancellationToken: token);
        var typedRequest = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(typedRequest.StreamId, "aws.greengrass#SubscribeToTopicResponse", terminate: false);
        var typed = await typedSubscribing;
        var images = Enumerable.Range(0, 4).Select(k => Enumerable.Range(0, 150_000).Select(i => (byte)(i * (k + 3))).ToArray()).ToArray();

        for (var k = 0; k < images.Length; k++)
        {
            var base64 = Convert.ToBase64String(images[k]);
            await harness.Server.SendEventAsync(rawRequest.StreamId, "aws.greengrass#SubscriptionResponseMessage", $$$$"""{"binaryMessage":{"message":"{{{{base64}}}}","context":{"topic":"raw"}}}""");
            await harness.Server.SendEventAsync(rawRequest.StreamId, "aws.greengrass#SubscriptionResponseMessage", $$$$"""{"jsonMessage":{"message":{"k":{{{{k}}}},"pad":"{{{{base64}}}}"},"context":{"topic":"raw"}}}""");
            await harness.Server.SendEventAsync(typedRequest.StreamId, "aws.greengrass#SubscriptionResponseMessage", $$$$"""{"binaryMessage":{"message":"{{{{base64}}}}","context":{"topic":"typed"}}}""");
            await harness.Server.SendEventAsync(typedRequest.StreamId, "aws.greengrass#SubscriptionResponseMessage", $$$$"""{"jsonMessage":{"message":{"k":{{{{k}}}},"pad":"{{{{base64}}}}"},"context":{"topic":"typed"}}}""");
        }

        var call = harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, token);
        await harness.Server.RespondAsync((await harness.Server.ReceiveRequestAsync()).StreamId, "aws.greengrass#UpdateStateResponse");
        await call;

        for (var k = 0; k < images.Length; k++)
        {
            Assert.Equal(images[k], (await NextAsync(raw)).Message.ToArray());
            var json = System.Text.Json.Nodes.JsonNode.Parse((await NextAsync(raw)).Message.Span)!;
            Assert.Equal(k, (int)json["k"]!);
            Assert.Equal(Convert.ToBase64String(images[k]), (string)json["pad"]!);
            Assert.Equal(images[k], (await NextAsync(typed)).BinaryMessage!.Message);
            var document = (await NextAsync(typed)).JsonMessage!.Message!;
            Assert.Equal(k, (int)document["k"]!);
            Assert.Equal(Convert.ToBase64String(images[k]), (string)document["pad"]!);
        }
    }
}
