using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Tests.Fakes;
using EdgeInference.Greengrass.Ipc;
using EdgeInference.Greengrass.Ipc.Model;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Integration;

/// <summary>Our .NET IPC client against the emulator over a real Unix socket.</summary>
public sealed class IpcClientTests
{
    private const string PubSub = "aws.greengrass.ipc.pubsub";
    private static readonly string[] PublishAndSubscribe = ["aws.greengrass#PublishToTopic", "aws.greengrass#SubscribeToTopic"];

    [Fact]
    public async Task ConnectAsync_KnownToken_IsAcceptedAndRecorded()
    {
        await using var harness = await EmulatorHarness.StartAsync();

        var client = await harness.ConnectAsync("com.example.A");

        Assert.True(client.IsConnected);
        Assert.Contains("com.example.A", harness.Emulator.ConnectedComponents);
    }

    [Fact]
    public async Task ConnectAsync_UnknownToken_ThrowsAccessDenied()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        harness.Emulator.AddComponent("com.example.A");
        await using var client = new GreengrassIpcClient(harness.ClientOptions("ABCDEFGHJKLMNPQR"));

        await Assert.ThrowsAsync<IpcAccessDeniedException>(() => client.ConnectAsync(TestContext.Current.CancellationToken));
        Assert.Empty(harness.Emulator.ConnectedComponents);
    }

    [Fact]
    public async Task PublishToTopic_BinaryThenJson_ReachesOtherComponentOnWildcardFilter()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var subscriber = await harness.ConnectAsync("com.example.Sub", EmulatorHarness.Policy("com.example.Sub", PubSub, PublishAndSubscribe, "factory/*"));
        var publisher = await harness.ConnectAsync("com.example.Pub", EmulatorHarness.Policy("com.example.Pub", PubSub, PublishAndSubscribe, "factory/*"));
        var token = TestContext.Current.CancellationToken;
        await using var subscription = await subscriber.SubscribeToTopicAsync("factory/+/images", cancellationToken: token);

        await publisher.PublishToTopicAsync("factory/line1/images", new byte[] { 0, 1, 2, 255 }, token);
        await publisher.PublishToTopicAsync("factory/line2/images", new JsonObject { ["defect"] = true, ["score"] = 0.93 }, token);
        var binary = await Bounded.ReadAsync(subscription.Events);
        var json = await Bounded.ReadAsync(subscription.Events);

        Assert.Equal(new byte[] { 0, 1, 2, 255 }, binary.BinaryMessage!.Message);
        Assert.Equal("factory/line1/images", binary.Topic);
        Assert.Null(binary.JsonMessage);
        Assert.True((bool)json.JsonMessage!.Message!["defect"]!);
        Assert.Equal(0.93, (double)json.JsonMessage.Message["score"]!);
        Assert.Equal("factory/line2/images", json.Topic);
    }

    [Fact]
    public async Task SubscribeToTopic_WildcardWithoutReceiveMode_SkipsOwnMessages()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var a = await harness.ConnectAsync("com.example.A", EmulatorHarness.Policy("com.example.A", PubSub, ["*"], "*"));
        var b = await harness.ConnectAsync("com.example.B", EmulatorHarness.Policy("com.example.B", PubSub, ["*"], "*"));
        var token = TestContext.Current.CancellationToken;
        await using var wildcard = await a.SubscribeToTopicAsync("demo/#", cancellationToken: token);
        await using var exact = await a.SubscribeToTopicAsync("demo/own", cancellationToken: token);

        await a.PublishToTopicAsync("demo/own", "mine"u8.ToArray(), token);
        await b.PublishToTopicAsync("demo/other", "theirs"u8.ToArray(), token);

        Assert.Equal("demo/own", (await Bounded.ReadAsync(exact.Events)).Topic);
        Assert.Equal("demo/other", (await Bounded.ReadAsync(wildcard.Events)).Topic);
        Assert.True(await Bounded.StaysEmptyAsync(wildcard.Events, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task PublishToTopic_TopicOutsidePolicy_ThrowsUnauthorizedWithNucleusText()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = await harness.ConnectAsync("com.example.A", EmulatorHarness.Policy("com.example.A", PubSub, ["aws.greengrass#PublishToTopic"], "allowed/*"));
        var token = TestContext.Current.CancellationToken;

        await client.PublishToTopicAsync("allowed/x", "ok"u8.ToArray(), token);
        var error = await Assert.ThrowsAsync<UnauthorizedErrorException>(() => client.PublishToTopicAsync("denied/x", "no"u8.ToArray(), token));
        var subscribeError = await Assert.ThrowsAsync<UnauthorizedErrorException>(() => client.SubscribeToTopicAsync("allowed/x", cancellationToken: token));

        Assert.Equal(
            "Principal com.example.A is not authorized to perform aws.greengrass.ipc.pubsub:aws.greengrass#PublishToTopic on resource denied/x",
            error.ServiceMessage);
        Assert.Contains("aws.greengrass#SubscribeToTopic", subscribeError.ServiceMessage, StringComparison.Ordinal);
        Assert.Contains(harness.Emulator.Calls, c => c.Operation == "aws.greengrass#PublishToTopic" && c.ErrorCode == "UnauthorizedError");
    }

    [Fact]
    public async Task PublishToTopic_WildcardInTopic_ThrowsInvalidArguments()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = await harness.ConnectAsync("com.example.A", EmulatorHarness.Policy("com.example.A", PubSub, ["*"], "*"));

        var error = await Assert.ThrowsAsync<InvalidArgumentsErrorException>(
            () => client.PublishToTopicAsync("demo/+", "x"u8.ToArray(), TestContext.Current.CancellationToken));

        Assert.Equal("Publish topic must not contain a wildcard.", error.ServiceMessage);
    }

    [Fact]
    public async Task GetConfiguration_SubtreeLeafAndMissingKey_AnswerLikeTheNucleus()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var configuration = new JsonObject { ["Model"] = new JsonObject { ["Path"] = "/models/a.onnx", ["Threads"] = 2 }, ["Topic"] = "in" };
        var client = await harness.ConnectAsync("com.example.A", configuration);
        harness.Emulator.AddComponent("com.example.Other", new JsonObject { ["Shared"] = "yes" });
        var token = TestContext.Current.CancellationToken;

        var whole = await client.GetConfigurationAsync(cancellationToken: token);
        var subtree = await client.GetConfigurationAsync(["Model"], cancellationToken: token);
        var leaf = await client.GetConfigurationAsync(["Model", "Threads"], cancellationToken: token);
        var other = await client.GetConfigurationAsync(["Shared"], "com.example.Other", token);
        var missing = await Assert.ThrowsAsync<ResourceNotFoundErrorException>(() => client.GetConfigurationAsync(["Nope"], cancellationToken: token));

        Assert.Equal("com.example.A", whole.ComponentName);
        Assert.Equal("in", (string)whole.Value!["Topic"]!);
        Assert.Equal("/models/a.onnx", (string)subtree.Value!["Path"]!);
        Assert.Equal(2, (int)leaf.Value!["Threads"]!);
        Assert.Single(leaf.Value);
        Assert.Equal("yes", (string)other.Value!["Shared"]!);
        Assert.Equal("com.example.Other", other.ComponentName);
        Assert.Equal("Key not found", missing.ServiceMessage);
    }

    [Fact]
    public async Task UpdateConfigurationAsync_Subscriber_GetsOneEventPerChangedLeafUnderItsKeyPath()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = await harness.ConnectAsync("com.example.A", new JsonObject { ["Model"] = new JsonObject { ["Threads"] = 2, ["Path"] = "a" }, ["Other"] = 1 });
        var token = TestContext.Current.CancellationToken;
        await using var updates = await client.SubscribeToConfigurationUpdateAsync(["Model"], cancellationToken: token);

        var changed = await harness.Emulator.UpdateConfigurationAsync(
            "com.example.A", new JsonObject { ["Model"] = new JsonObject { ["Threads"] = 4, ["Path"] = "a" }, ["Other"] = 2 }, token);
        var update = await Bounded.ReadAsync(updates.Events);
        var after = await client.GetConfigurationAsync(["Model", "Threads"], cancellationToken: token);

        Assert.Equal([["Model", "Threads"], ["Other"]], changed.Select(p => p.ToArray()).ToArray());
        Assert.Equal("com.example.A", update.ConfigurationUpdateEvent!.ComponentName);
        Assert.Equal(["Model", "Threads"], update.ConfigurationUpdateEvent.KeyPath!);
        Assert.True(await Bounded.StaysEmptyAsync(updates.Events, TimeSpan.FromMilliseconds(200)));
        Assert.Equal(4, (int)after.Value!["Threads"]!);
    }

    [Fact]
    public async Task SubscribeToConfigurationUpdate_MissingKeyPath_ThrowsResourceNotFound()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = await harness.ConnectAsync("com.example.A", new JsonObject { ["a"] = 1 });

        await Assert.ThrowsAsync<ResourceNotFoundErrorException>(
            () => client.SubscribeToConfigurationUpdateAsync(["missing"], cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UpdateState_RunningThenErrored_RecordedAsStateChanges()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = await harness.ConnectAsync("com.example.A");
        var token = TestContext.Current.CancellationToken;

        await client.UpdateStateAsync(ReportedLifecycleState.Running, token);
        await client.UpdateStateAsync(ReportedLifecycleState.Errored, token);

        var reported = harness.Emulator.StateChanges.Where(c => c.Source == StateChangeSource.UpdateState).Select(c => (c.ComponentName, c.State)).ToArray();
        Assert.Equal([("com.example.A", ComponentLifecycleState.Running), ("com.example.A", ComponentLifecycleState.Errored)], reported);
        Assert.Equal(ComponentLifecycleState.Errored, harness.Emulator.GetState("com.example.A"));
    }

    [Fact]
    public async Task InvokeAsync_ModelledButUnimplementedOperation_ThrowsServiceErrorLikeTheNucleus()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = await harness.ConnectAsync("com.example.A");
        var secretValue = new IpcOperation<GetConfigurationRequest, GetConfigurationResponse>(
            "aws.greengrass#GetSecretValue", "aws.greengrass#GetSecretValueResponse", IpcJsonContext.Default.GetConfigurationRequest, IpcJsonContext.Default.GetConfigurationResponse);

        var error = await Assert.ThrowsAsync<ServiceErrorException>(
            () => client.InvokeAsync(secretValue, new GetConfigurationRequest(), TestContext.Current.CancellationToken));

        Assert.Equal("Operation aws.greengrass#GetSecretValue is not supported by Greengrass", error.ServiceMessage);
    }

    [Fact]
    public async Task StopAsync_OpenSubscription_CompletesTheClientsSubscription()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = await harness.ConnectAsync("com.example.A", EmulatorHarness.Policy("com.example.A", PubSub, ["*"], "*"));
        await using var subscription = await client.SubscribeToTopicAsync("t", cancellationToken: TestContext.Current.CancellationToken);

        await harness.Emulator.StopAsync(TestContext.Current.CancellationToken);

        var ended = await Task.WhenAny(subscription.Completion, Task.Delay(Bounded.Timeout, TestContext.Current.CancellationToken));

        Assert.Same(subscription.Completion, ended);
        Assert.IsType<IpcConnectionClosedException>(subscription.Completion.Exception?.InnerException);
        Assert.False(File.Exists(harness.Emulator.SocketPath));
    }
}
