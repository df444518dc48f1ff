using System.ComponentModel.DataAnnotations;
using Xunit;

namespace EdgeInference.Greengrass.Ipc.Tests;

public sealed class GreengrassIpcOptionsTests
{
    [Fact]
    public void Validate_MissingPathAndToken_ListsBothProblems()
    {
        var options = new GreengrassIpcOptions { SocketPath = null, AuthToken = "" };

        var error = Assert.Throws<ValidationException>(options.Validate);

        Assert.Contains("AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT", error.Message, StringComparison.Ordinal);
        Assert.Contains("SVCUID", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MinDelayAboveMax_Throws()
    {
        var options = ClientHarness.Options();
        options.ReconnectMinDelay = TimeSpan.FromSeconds(5);
        options.ReconnectMaxDelay = TimeSpan.FromSeconds(1);

        Assert.Throws<ValidationException>(options.Validate);
    }

    [Fact]
    public void Validate_ZeroRequestTimeout_Throws()
    {
        var options = ClientHarness.Options();
        options.RequestTimeout = TimeSpan.Zero;

        Assert.Throws<ValidationException>(options.Validate);
    }

    [Fact]
    public void Constructor_ReadsNucleusEnvironmentVariables()
    {
        var path = Environment.GetEnvironmentVariable(GreengrassIpcOptions.SocketPathVariable);
        var token = Environment.GetEnvironmentVariable(GreengrassIpcOptions.AuthTokenVariable);

        var options = GreengrassIpcOptions.FromEnvironment();

        Assert.Equal(path, options.SocketPath);
        Assert.Equal(token, options.AuthToken);
        Assert.Equal("GreengrassIpc", GreengrassIpcOptions.SectionName);
    }
}
