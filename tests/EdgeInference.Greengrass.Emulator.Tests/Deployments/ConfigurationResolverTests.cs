using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Deployments;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Deployments;

/// <summary>KernelConfigResolver.resolveConfigurationToApply: reset, defaults underneath, merge on top.</summary>
public sealed class ConfigurationResolverTests
{
    private static readonly JsonObject Defaults = JsonNode.Parse("""{"a":1,"nested":{"x":"dx","y":"dy"},"list":[1,2]}""")!.AsObject();

    [Fact]
    public void Resolve_NewComponent_DefaultsThenMerge()
    {
        var merge = JsonNode.Parse("""{"nested":{"y":"my","z":"mz"},"list":[9],"b":true}""")!.AsObject();

        var resolved = ConfigurationResolver.Resolve(null, Defaults, new ConfigurationUpdate(merge, []));

        Assert.Equal("""{"a":1,"nested":{"x":"dx","y":"my","z":"mz"},"list":[9],"b":true}""", resolved.ToJsonString());
    }

    [Fact]
    public void Resolve_RunningValues_AreKeptOverDefaultsUnlessReset()
    {
        var running = JsonNode.Parse("""{"a":5,"nested":{"x":"rx","y":"ry"},"gone":0}""")!.AsObject();

        var resolved = ConfigurationResolver.Resolve(running, Defaults, new ConfigurationUpdate(null, ["/nested/y", "/gone"]));

        Assert.Equal("""{"a":5,"nested":{"x":"rx","y":"dy"},"list":[1,2]}""", resolved.ToJsonString());
    }

    [Fact]
    public void Resolve_ResetOfTheWholeDocument_StartsFromDefaults()
    {
        var running = JsonNode.Parse("""{"a":5,"extra":1}""")!.AsObject();

        var resolved = ConfigurationResolver.Resolve(running, Defaults, new ConfigurationUpdate(null, [string.Empty]));

        Assert.Equal(Defaults.ToJsonString(), resolved.ToJsonString());
    }

    [Fact]
    public void Resolve_ResetOfAListElement_IsSkippedAndReported()
    {
        var running = JsonNode.Parse("""{"list":[7,8]}""")!.AsObject();
        var skipped = new List<string>();

        var resolved = ConfigurationResolver.Resolve(running, Defaults, new ConfigurationUpdate(null, ["/list/0"]), skipped);

        Assert.Equal("[7,8]", resolved["list"]!.ToJsonString());
        Assert.Equal(["/list/0"], skipped);
    }
}
