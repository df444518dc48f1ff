using EdgeInference.Greengrass.Ipc;
using EdgeInference.Worker.Hosting;
using EdgeInference.Worker.Options;
using Xunit;

namespace EdgeInference.Worker.Tests.Options;

public sealed class IpcOptionsTests
{
    [Theory]
    [InlineData("local")]
    [InlineData("iotcore")]
    [InlineData("IoTCore")]
    public void Validate_KnownTarget_Succeeds(string target) =>
        Assert.True(new IpcOptionsValidator().Validate(null, new IpcOptions { Target = target }).Succeeded);

    [Fact]
    public void Validate_UnknownTarget_NamesTheKey()
    {
        var message = new IpcOptionsValidator().Validate(null, new IpcOptions { Target = "shadow" }).FailureMessage;

        Assert.Contains("Ipc:Target", message, StringComparison.Ordinal);
        Assert.Contains("shadow", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto", true, true)]
    [InlineData("auto", false, false)]
    [InlineData("ipc", false, true)]
    [InlineData("IPC", true, true)]
    [InlineData("mqtt", true, false)]
    public void TransportSelection_TransportAndEnvironment_PicksTheHead(string transport, bool greengrass, bool expectIpc)
    {
        var ipc = greengrass
            ? new GreengrassIpcOptions { SocketPath = "/tmp/ipc.socket", AuthToken = "TOKEN" }
            : new GreengrassIpcOptions { SocketPath = null, AuthToken = null };

        var selection = new TransportSelection(Microsoft.Extensions.Options.Options.Create(new WorkerOptions { Transport = transport }), Microsoft.Extensions.Options.Options.Create(ipc));

        Assert.Equal(greengrass, selection.GreengrassEnvironment);
        Assert.Equal(expectIpc, selection.UsesIpc);
        Assert.Equal(!expectIpc, selection.UsesMqtt);
    }
}
