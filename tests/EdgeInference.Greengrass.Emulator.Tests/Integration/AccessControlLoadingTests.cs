using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Tests.Fakes;
using EdgeInference.Greengrass.Ipc;
using EdgeInference.Greengrass.Ipc.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Integration;

/// <summary>
/// A policy resource the nucleus refuses when it loads policies (AuthorizationModule.validateResource) is logged with
/// the nucleus's message, naming the component and the policy, and grants nothing.
/// </summary>
public sealed class AccessControlLoadingTests : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gge-acl-").FullName;
    private readonly FakeLoggerProvider _logs = new();

    public async ValueTask DisposeAsync()
    {
        _logs.Dispose();
        await Task.Yield();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task AddComponent_ThingNameVariableInAResource_IsLoggedAsRefused_AndTheCallIsUnauthorized()
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs));
        await using var emulator = new NucleusEmulator(new NucleusEmulatorOptions { SocketPath = Path.Combine(_folder, "ipc.socket") }, loggerFactory);
        await emulator.StartAsync(TestContext.Current.CancellationToken);
        var configuration = EmulatorHarness.Policy("com.example.Jobs", "aws.greengrass.ipc.mqttproxy", ["aws.greengrass#PublishToIoTCore"], "things/${iot:thingName}/jobs");

        var registration = emulator.AddComponent("com.example.Jobs", configuration);
        await using var client = new GreengrassIpcClient(new GreengrassIpcOptions { SocketPath = emulator.SocketPath, AuthToken = registration.AuthToken, AutoReconnect = false });
        await client.ConnectAsync(TestContext.Current.CancellationToken);
        var denied = await Assert.ThrowsAsync<UnauthorizedErrorException>(() => client.PublishToIoTCoreAsync(
            new PublishToIoTCoreRequest { TopicName = "things/emulated-core/jobs", Qos = QualityOfService.AtMostOnce, Payload = [1] }, TestContext.Current.CancellationToken));

        var refused = Assert.Single(_logs.Collector.GetSnapshot(), r => r.Id.Id == 1512);
        Assert.Equal(LogLevel.Error, refused.Level);
        Assert.Contains("com.example.Jobs's accessControl policy com.example.Jobs:aws.greengrass.ipc.mqttproxy:1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("resource 'things/${iot:thingName}/jobs'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Resource contains an invalid escape sequence. You can use ${*}, ${$}, or ${?}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Not Authorized", denied.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateConfiguration_NewAccessControl_IsReloaded()
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs));
        await using var emulator = new NucleusEmulator(new NucleusEmulatorOptions { SocketPath = Path.Combine(_folder, "ipc.socket") }, loggerFactory);
        emulator.AddComponent("com.example.A", new JsonObject());

        await emulator.UpdateConfigurationAsync("com.example.A", EmulatorHarness.Policy("com.example.A", "aws.greengrass.ipc.pubsub", ["*"], "a/?"), TestContext.Current.CancellationToken);
        var loaded = emulator.AccessControlOf("com.example.A");

        Assert.Single(loaded.Problems);
        Assert.Single(_logs.Collector.GetSnapshot(), r => r.Id.Id == 1512 && r.Message.Contains("'?'", StringComparison.Ordinal));
    }
}
