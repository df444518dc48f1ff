using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Recipes;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Recipes;

public sealed class LifecycleInterpolatorTests
{
    private static LifecycleInterpolator Create() => new(
        "com.example.A",
        new ComponentPaths("/gg/packages/artifacts/com.example.A/1.0.0", "/gg/packages/artifacts-unarchived/com.example.A/1.0.0", "/gg/work/com.example.A",
            JsonNode.Parse("""{"a":{"b/c":"slash","t~":"tilde"},"n":3,"flag":false,"obj":{"k":[1,2]},"nil":null}""")!.AsObject()),
        "/gg",
        "core-1",
        new Dictionary<string, ComponentPaths> { ["com.example.Dep"] = new("/deps/a", "/deps/d", "/gg/work/com.example.Dep", new JsonObject { ["v"] = "dep-value" }) });

    [Theory]
    [InlineData("{artifacts:path}/app", "/gg/packages/artifacts/com.example.A/1.0.0/app")]
    [InlineData("{artifacts:decompressedPath}", "/gg/packages/artifacts-unarchived/com.example.A/1.0.0")]
    [InlineData("{work:path} {kernel:rootPath} {iot:thingName}", "/gg/work/com.example.A /gg core-1")]
    [InlineData("{configuration:/a/b~1c} {configuration:/a/t~0}", "slash tilde")]
    [InlineData("{configuration:/n}-{configuration:/flag}-{configuration:/nil}", "3-false-null")]
    [InlineData("{configuration:/obj}", """{"k":[1,2]}""")]
    [InlineData("{configuration:/missing}", "{configuration:/missing}")]
    [InlineData("{com.example.Dep:artifacts:path} {com.example.Dep:configuration:/v}", "/deps/a dep-value")]
    [InlineData("{com.example.NotGiven:artifacts:path}", "{com.example.NotGiven:artifacts:path}")]
    [InlineData("{unknown:thing}", "{unknown:thing}")]
    public void Interpolate_Placeholders(string input, string expected) => Assert.Equal(expected, Create().Interpolate(input));

    [Fact]
    public void Interpolate_LifecycleObject_RendersNestedStringsOnly()
    {
        var interpolator = Create();
        var lifecycle = JsonNode.Parse("""{"Run":{"Script":"run {iot:thingName}","Timeout":30},"Setenv":{"X":"{configuration:/n}"}}""");

        var rendered = interpolator.Interpolate(lifecycle)!;

        Assert.Equal("""{"Run":{"Script":"run core-1","Timeout":30},"Setenv":{"X":"3"}}""", rendered.ToJsonString());
        Assert.Empty(interpolator.Unresolved);
    }
}
