using EdgeInference.Greengrass.Emulator.Authorization;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Authorization;

public sealed class TopicFilterTests
{
    [Theory]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/b", "a/c", false)]
    [InlineData("a/+", "a/b", true)]
    [InlineData("a/+", "a/b/c", false)]
    [InlineData("a/+", "a/", true)]
    [InlineData("a/#", "a", true)]
    [InlineData("a/#", "a/b/c", true)]
    [InlineData("#", "a/b", true)]
    [InlineData("+/+", "a/b", true)]
    [InlineData("#", "$aws/things", false)]
    [InlineData("+/things", "$aws/things", false)]
    [InlineData("$aws/#", "$aws/things", true)]
    public void Matches_MqttRules(string filter, string topic, bool expected) => Assert.Equal(expected, TopicFilter.Matches(filter, topic));
}
