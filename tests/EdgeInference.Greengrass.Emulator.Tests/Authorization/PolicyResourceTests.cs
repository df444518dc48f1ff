using EdgeInference.Greengrass.Emulator.Authorization;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Authorization;

/// <summary>The resource rules of the nucleus's AuthorizationModule.validateResource, message for message.</summary>
public sealed class PolicyResourceTests
{
    [Theory]
    [InlineData("")]
    [InlineData("a/${iot:thingName}")]
    [InlineData("a/${")]
    [InlineData("a/${*")]
    [InlineData("a/${c}")]
    [InlineData("a/?")]
    public void TryCreate_InvalidResource_IsRefused(string resource) =>
        Assert.False(PolicyResource.TryCreate(resource, out _, out _));

    [Theory]
    [InlineData("", "Resource cannot be empty")]
    [InlineData("t/${iot:thingName}", "Resource contains an invalid escape sequence. You can use ${*}, ${$}, or ${?}")]
    [InlineData("t/${c}", "Resource contains an invalid escape sequence: ${c}. You can use ${*}, ${$}, or ${?}")]
    [InlineData("t/?", "Resource contains invalid character: '?'. Use an escape sequence: ${?}. The '?' character isn't supported as a wildcard")]
    public void Validate_InvalidResource_GivesTheNucleusMessage(string resource, string message) =>
        Assert.Equal(message, PolicyResource.Validate(resource));

    [Theory]
    [InlineData("a/${*}/${$}/${?}")]
    [InlineData("cost$5")]
    [InlineData("*")]
    [InlineData("a/+/#")]
    public void Validate_ValidResource_HasNoMessage(string resource) =>
        Assert.Null(PolicyResource.Validate(resource));
}
