using EdgeInference.Greengrass.Emulator.Deployments;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Deployments;

/// <summary>greengrass-cli's --update-config and --merge shapes.</summary>
public sealed class ConfigurationUpdateTests
{
    [Fact]
    public void ParseAll_MergeAndReset_AreRead()
    {
        var updates = ConfigurationUpdate.ParseAll("""{"com.example.A":{"MERGE":{"k":1},"RESET":["/a","",  "/b~1c"]}}""");

        var update = updates["com.example.A"];
        Assert.Equal("""{"k":1}""", update.Merge!.ToJsonString());
        Assert.Equal(["/a", "", "/b~1c"], update.Reset);
    }

    [Theory]
    [InlineData("[]", "--update-config: JSON: must be a JSON object keyed by component name")]
    [InlineData("""{"A":1}""", "A: --update-config: must be an object with MERGE and/or RESET")]
    [InlineData("""{"A":{"merge":{}}}""", "A: --update-config: has 'merge'; only MERGE and RESET (upper case) are read")]
    [InlineData("""{"A":{"MERGE":"x"}}""", "A: --update-config: MERGE must be a JSON object")]
    [InlineData("""{"A":{"RESET":"/a"}}""", "A: --update-config: RESET must be a list of JSON pointer strings")]
    [InlineData("""{"A":{"RESET":["a"]}}""", "A: --update-config: RESET entry: Invalid input: JSON Pointer expression must start with '/': \"a\"")]
    public void ParseAll_Malformed_IsRefusedNamingTheComponent(string json, string message)
    {
        var error = Assert.Throws<DeploymentRefusedException>(() => ConfigurationUpdate.ParseAll(json));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RootComponentsParse_SplitsAtTheFirstEquals_AndLaterWins()
    {
        var roots = RootComponents.Parse(["com.example.A=1.0.0", "com.example.B=>=1.0.0 <2.0.0", "com.example.A=1.1.0"]);

        Assert.Equal("1.1.0", roots["com.example.A"]);
        Assert.Equal(">=1.0.0 <2.0.0", roots["com.example.B"]);
    }

    [Theory]
    [InlineData("com.example.A")]
    [InlineData("=1.0.0")]
    [InlineData("com.example.A=")]
    public void RootComponentsParse_Malformed_IsRefused(string value)
    {
        var error = Assert.Throws<DeploymentRefusedException>(() => RootComponents.Parse([value]));

        Assert.Equal($"--merge: NAME=VERSION: Value for option '--merge' should be in KEY=VALUE format but was {value}", error.Message);
    }
}
