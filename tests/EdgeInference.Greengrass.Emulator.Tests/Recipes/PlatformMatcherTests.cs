using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Recipes;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Recipes;

public sealed class PlatformMatcherTests
{
    private static readonly Dictionary<string, string> Jetson = new(StringComparer.OrdinalIgnoreCase) { ["os"] = "linux", ["architecture"] = "aarch64", ["runtime"] = "aws_nucleus_classic" };

    [Theory]
    [InlineData("""{"os":"linux","architecture":"aarch64"}""", true)]
    [InlineData("""{"os":"Linux"}""", true)]
    [InlineData("""{"os":"linux","architecture":"amd64"}""", false)]
    [InlineData("""{"os":"*","architecture":"/aarch64|arm/"}""", true)]
    [InlineData("""{"os":"windows"}""", false)]
    [InlineData("""{"os":"linux","gpu":"cuda"}""", false)]
    [InlineData("{}", true)]
    public void Matches_PlatformBlocks(string platform, bool expected) =>
        Assert.Equal(expected, PlatformMatcher.Matches(JsonNode.Parse(platform)!.AsObject(), Jetson));

    [Fact]
    public void Select_FirstMatchingManifestWins()
    {
        var manifests = JsonNode.Parse("""
            [{"Platform":{"os":"linux","architecture":"amd64"},"Name":"x64"},
             {"Platform":{"os":"linux","architecture":"aarch64"},"Name":"arm64"},
             {"Name":"fallback"}]
            """)!.AsArray().Select(n => n!.AsObject()).ToList();

        Assert.Equal("arm64", (string?)PlatformMatcher.Select(manifests, Jetson)!["Name"]);
    }
}
