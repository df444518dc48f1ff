using EdgeInference.Greengrass.Ipc;
using EdgeInference.Worker.Hosting;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeInference.Worker.Tests.Options;

public sealed class IpcOptionsTests
{
    [Theory]
    [InlineData("local", IpcTarget.Local)]
    [InlineData("iotcore", IpcTarget.IoTCore)]
    [InlineData("IoTCore", IpcTarget.IoTCore)]
    [InlineData("both", IpcTarget.Both)]
    public void Bind_KnownTarget_BindsTheEnum(string target, IpcTarget expected) =>
        Assert.Equal(expected, Bind(target).Target);

    [Theory]
    [InlineData("shadow")]
    [InlineData("1")]
    public void Bind_UnknownTarget_NamesTheKeyAndTheChoices(string target)
    {
        var message = string.Join(" ", Assert.Throws<OptionsValidationException>(() => Bind(target)).Failures);

        Assert.Contains("Ipc:Target", message, StringComparison.Ordinal);
        Assert.Contains(target, message, StringComparison.Ordinal);
        Assert.Contains("local, iotcore, both", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TransportKind.Auto, true, true)]
    [InlineData(TransportKind.Auto, false, false)]
    [InlineData(TransportKind.Ipc, false, true)]
    [InlineData(TransportKind.Ipc, true, true)]
    [InlineData(TransportKind.Mqtt, true, false)]
    public void Resolve_TransportAndEnvironment_PicksTheHead(TransportKind transport, bool greengrass, bool expectIpc)
    {
        var ipc = greengrass
            ? new GreengrassIpcOptions { SocketPath = "/tmp/ipc.socket", AuthToken = "TOKEN" }
            : new GreengrassIpcOptions { SocketPath = null, AuthToken = null };

        var selection = WorkerTransport.Resolve(transport, ipc);

        Assert.Equal(greengrass, selection.GreengrassEnvironment);
        Assert.Equal(expectIpc, selection.UsesIpc);
        Assert.Equal(!expectIpc, selection.UsesMqtt);
        Assert.Equal(expectIpc ? "ipc" : "mqtt", selection.Name);
    }

    private static IpcOptions Bind(string target)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Ipc:Target"] = target }).Build();
        return StrictBinder.Bind(configuration.GetSection("Ipc"), "Ipc", new IpcOptions());
    }
}
