using EdgeInference.Greengrass.Recipes.Yaml;
using Xunit;

namespace EdgeInference.Greengrass.Recipes.Tests.Yaml;

public sealed class YamlScalarsTests
{
    [Theory]
    [InlineData("2020-01-25", true)]
    [InlineData("1.0", true)]
    [InlineData("0x1F", true)]
    [InlineData("Off", true)]
    [InlineData("", true)]
    [InlineData(" padded", true)]
    [InlineData("1.0.0", false)]
    [InlineData("edge-inference/*", false)]
    public void NeedsQuotes_YamlAmbiguity_Detected(string text, bool expected) =>
        Assert.Equal(expected, YamlScalars.NeedsQuotes(text));
}
