using System.Text;
using System.Text.Json.Nodes;
using EdgeInference.EventStream;
using EdgeInference.Greengrass.Ipc.Model;
using EdgeInference.Greengrass.Ipc.Rpc;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace EdgeInference.Greengrass.Ipc.Tests;

public sealed class ErrorTests
{
    [Fact]
    public async Task GetConfigurationAsync_ResourceNotFound_ThrowsTypedErrorWithMembers()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var call = harness.Client.GetConfigurationAsync(["missing"], cancellationToken: TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.SendErrorAsync(request.StreamId, "ResourceNotFoundError", "Key not found", new JsonObject { ["resourceType"] = "Configuration", ["resourceName"] = "missing" });

        var error = await Assert.ThrowsAsync<ResourceNotFoundErrorException>(() => call);
        Assert.Equal("Key not found", error.ServiceMessage);
        Assert.Equal("Configuration", error.ResourceType);
        Assert.Equal("missing", error.ResourceName);
        Assert.Equal("aws.greengrass#GetConfiguration", error.Operation);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task PublishToTopicAsync_Unauthorized_ThrowsUnauthorizedAndConnectionStaysUsable()
    {
        await using var harness = await ClientHarness.ConnectAsync();
        var token = TestContext.Current.CancellationToken;

        var call = harness.Client.PublishToTopicAsync("secret", "x"u8.ToArray(), token);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.SendErrorAsync(request.StreamId, "UnauthorizedError", "Principal c is not authorized to perform aws.greengrass.ipc.pubsub:aws.greengrass#PublishToTopic on resource secret");
        var error = await Assert.ThrowsAsync<UnauthorizedErrorException>(() => call);
        Assert.Contains("not authorized", error.Message, StringComparison.Ordinal);

        var next = harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, token);
        var nextRequest = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(nextRequest.StreamId, "aws.greengrass#UpdateStateResponse");
        await next;
        Assert.Equal(2, nextRequest.StreamId);
    }

    [Theory]
    [InlineData("ServiceError", typeof(ServiceErrorException))]
    [InlineData("InvalidArgumentsError", typeof(InvalidArgumentsErrorException))]
    [InlineData("ConflictError", typeof(ConflictErrorException))]
    [InlineData("ComponentNotFoundError", typeof(IpcOperationException))]
    public async Task InvokeAsync_ModelledError_MapsToItsType(string errorCode, Type expected)
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var call = harness.Client.PublishToTopicAsync("t", "x"u8.ToArray(), TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.SendErrorAsync(request.StreamId, errorCode, "boom", new JsonObject { ["context"] = new JsonObject { ["reasonCode"] = 135 } });

        var error = await Assert.ThrowsAnyAsync<IpcOperationException>(() => call);
        Assert.IsType(expected, error);
        Assert.Equal(errorCode, error.ErrorCode);
        Assert.Equal("boom", error.ServiceMessage);
        if (error is ServiceErrorException serviceError)
        {
            Assert.True(serviceError.IsRetryable);
            Assert.Equal(135, (int)serviceError.Context!["reasonCode"]!);
        }
    }

    [Fact]
    public async Task InvokeAsync_UnmodelledTextPlainError_ThrowsOperationExceptionWithText()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var call = harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.SendAsync(RpcHeaders.Build(
            RpcMessageType.ApplicationError, RpcMessageFlags.TerminateStream, request.StreamId, Encoding.UTF8.GetBytes("InternalServerError"),
            new EventStreamHeader(RpcHeaders.ContentType, "text/plain")));

        var error = await Assert.ThrowsAsync<IpcOperationException>(() => call);
        Assert.Equal("InternalServerError", error.ErrorCode);
    }

    [Fact]
    public async Task InvokeAsync_GreengrassLiteErrorWithoutMessageMember_FallsBackToUnderscoreMessage()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var call = harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        await harness.Server.SendAsync(RpcHeaders.Build(
            RpcMessageType.ApplicationError, RpcMessageFlags.TerminateStream, request.StreamId,
            """{"_message":"lite says no","_errorCode":"ServiceError"}"""u8.ToArray(),
            new EventStreamHeader(RpcHeaders.ContentType, RpcHeaders.JsonContentType)));

        var error = await Assert.ThrowsAsync<ServiceErrorException>(() => call);
        Assert.Equal("lite says no", error.ServiceMessage);
    }

    [Fact]
    public async Task InvokeAsync_NoResponseBeforeRequestTimeout_ThrowsTimeoutAndLateResponseIsDropped()
    {
        var time = new FakeTimeProvider();
        await using var harness = await ClientHarness.ConnectAsync(time: time);

        var call = harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, TestContext.Current.CancellationToken);
        var request = await harness.Server.ReceiveRequestAsync();
        time.Advance(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAsync<IpcTimeoutException>(() => call);
        var terminate = await harness.Server.ReceiveRequestAsync();
        Assert.Equal(request.StreamId, terminate.StreamId);
        Assert.Equal(RpcMessageFlags.TerminateStream, terminate.Flags);
        Assert.True(terminate.Message.Payload.IsEmpty);

        await harness.Server.RespondAsync(request.StreamId, "aws.greengrass#UpdateStateResponse");
        var next = harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, TestContext.Current.CancellationToken);
        var nextRequest = await harness.Server.ReceiveRequestAsync();
        await harness.Server.RespondAsync(nextRequest.StreamId, "aws.greengrass#UpdateStateResponse");
        await next;
    }

    [Fact]
    public async Task InvokeAsync_CallerCancels_ThrowsOperationCanceled()
    {
        await using var harness = await ClientHarness.ConnectAsync();
        using var cancel = new CancellationTokenSource();

        var call = harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, cancel.Token);
        await harness.Server.ReceiveRequestAsync();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.True(harness.Client.IsConnected);
    }

    [Fact]
    public async Task ConnectionDrop_PendingCallsAllFailWithConnectionClosed()
    {
        await using var harness = await ClientHarness.ConnectAsync();
        var token = TestContext.Current.CancellationToken;

        var calls = new Task[]
        {
            harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, token),
            harness.Client.GetConfigurationAsync(cancellationToken: token),
            harness.Client.PublishToTopicAsync("t", "x"u8.ToArray(), token),
        };
        for (var i = 0; i < calls.Length; i++)
        {
            await harness.Server.ReceiveRequestAsync();
        }

        await harness.Server.DisposeAsync();

        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<IpcConnectionClosedException>(() => call);
            Assert.Contains("closed", error.Message, StringComparison.Ordinal);
        }

        Assert.False(harness.Client.IsConnected);
        await Assert.ThrowsAsync<IpcConnectionClosedException>(() => harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, token));
    }

    [Fact]
    public async Task CorruptFrameFromNucleus_PendingCallFailsWithProtocolError()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var call = harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, TestContext.Current.CancellationToken);
        await harness.Server.ReceiveRequestAsync();
        var frame = EventStreamCodec.Encode(RpcHeaders.Build(RpcMessageType.ApplicationMessage, RpcMessageFlags.TerminateStream, 1, "{}"u8.ToArray()));
        frame[^1] ^= 0xff;
        await harness.Server.SendBytesAsync(frame);

        var error = await Assert.ThrowsAsync<IpcProtocolException>(() => call);
        Assert.IsType<EventStreamMessageChecksumException>(error.InnerException);
    }

    [Fact]
    public async Task ProtocolErrorFromNucleus_PendingCallFailsWithItsText()
    {
        await using var harness = await ClientHarness.ConnectAsync();

        var call = harness.Client.UpdateStateAsync(ReportedLifecycleState.Running, TestContext.Current.CancellationToken);
        await harness.Server.ReceiveRequestAsync();
        await harness.Server.SendAsync(RpcHeaders.Build(RpcMessageType.ProtocolError, RpcMessageFlags.None, 0, """{"message":"stream-id values must be monotonically incrementing"}"""u8.ToArray()));

        var error = await Assert.ThrowsAsync<IpcProtocolException>(() => call);
        Assert.Contains("monotonically", error.Message, StringComparison.Ordinal);
    }
}
