using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Recipes;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Recipes;

/// <summary>KernelConfigResolver's interpolation rules, case by case.</summary>
public sealed class LifecycleInterpolatorTests
{
    private static LifecycleInterpolator Create() => new(
        "com.example.A",
        new ComponentPaths("/gg/packages/artifacts/com.example.A/1.0.0", "/gg/packages/artifacts-unarchived/com.example.A/1.0.0", "/gg/work/com.example.A",
            JsonNode.Parse("""{"a":{"b/c":"slash","t~":"tilde"},"n":3,"f":2.5,"flag":false,"obj":{"z":1,"k":[1,2],"b":{"y":0,"x":1}},"nil":null,"my-key":"dashed","":"empty key","list":["x","y"]}""")!.AsObject()),
        "/gg",
        "core-1",
        new Dictionary<string, ComponentPaths>
        {
            ["com.example.Dep"] = new("/gg/packages/artifacts/com.example.Dep/2.0.0", "/gg/d", "/gg/work/com.example.Dep", new JsonObject { ["v"] = "dep-value" }),
            ["com.example.My-Dep"] = new("/deps/dashed", "/deps/dashed-d", "/gg/work/com.example.My-Dep", new JsonObject()),
        });

    [Theory]
    [InlineData("{artifacts:path}/app", "/gg/packages/artifacts/com.example.A/1.0.0/app")]
    [InlineData("{artifacts:decompressedPath}", "/gg/packages/artifacts-unarchived/com.example.A/1.0.0")]
    [InlineData("{work:path} {kernel:rootPath} {iot:thingName}", "/gg/work/com.example.A /gg core-1")]
    [InlineData("{configuration:/a/b~1c} {configuration:/a/t~0}", "slash tilde")]
    [InlineData("{configuration:/n}-{configuration:/f}-{configuration:/flag}-{configuration:/nil}", "3-2.5-false-null")]
    [InlineData("{configuration:/obj}", """{"b":{"x":1,"y":0},"k":[1,2],"z":1}""")]
    [InlineData("{configuration:/list/1}", "y")]
    [InlineData("{configuration:/my-key}", "dashed")]
    [InlineData("{configuration:/}", "empty key")]
    [InlineData("{configuration:/missing}", "{configuration:/missing}")]
    [InlineData("{com.example.Dep:artifacts:path} {com.example.Dep:configuration:/v}", "/gg/packages/artifacts/com.example.Dep/2.0.0 dep-value")]
    [InlineData("{com.example.Dep:iot:thingName} {com.example.Dep:work:path}", "core-1 /gg/work/com.example.Dep")]
    [InlineData("{com.example.My-Dep:artifacts:path}", "/deps/dashed")]
    [InlineData("{com.example.NotADependency:artifacts:path}", "{com.example.NotADependency:artifacts:path}")]
    [InlineData("{unknown:thing}", "{unknown:thing}")]
    [InlineData("{artifacts:nope}", "{artifacts:nope}")]
    [InlineData("a {iot:thingName} b {iot:thingName}", "a core-1 b core-1")]
    public void Interpolate_Placeholder_RendersAsTheNucleus(string input, string expected) => Assert.Equal(expected, Create().Interpolate(input));

    [Fact]
    public void Interpolate_EmptyConfigurationKey_IsTheWholeDocumentSorted()
    {
        var interpolator = new LifecycleInterpolator("c", new ComponentPaths("/a", "/d", "/w", new JsonObject { ["b"] = 1, ["a"] = "x" }), "/gg", "t");

        Assert.Equal("""{"a":"x","b":1}""", interpolator.Interpolate("{configuration:}"));
    }

    [Fact]
    public void Interpolate_ConfigurationKeyThatIsNotAPointer_IsRefusedWithJacksonsMessage()
    {
        var error = Assert.Throws<RecipeException>(() => Create().Interpolate("{configuration:n}"));

        Assert.Equal("Invalid input: JSON Pointer expression must start with '/': \"n\"", error.Message);
    }

    [Fact]
    public void Interpolate_LifecycleObject_RendersStringsInObjectsAndLists()
    {
        var interpolator = Create();
        var lifecycle = JsonNode.Parse("""{"Run":{"Script":"run {iot:thingName}","Timeout":30},"Setenv":{"X":"{configuration:/n}"},"Args":["{work:path}",7,{"k":"{kernel:rootPath}"}]}""");

        var rendered = interpolator.Interpolate(lifecycle)!;

        Assert.Equal("""{"Run":{"Script":"run core-1","Timeout":30},"Setenv":{"X":"3"},"Args":["/gg/work/com.example.A",7,{"k":"/gg"}]}""", rendered.ToJsonString());
        Assert.Empty(interpolator.Unresolved);
    }

    [Fact]
    public void Interpolate_Unresolved_SaysWhy()
    {
        var interpolator = Create();

        interpolator.Interpolate("{com.example.NotADependency:work:path} {configuration:/missing} {bogus:x}");

        Assert.Equal(
            ["com.example.NotADependency is not a direct dependency of com.example.A in this deployment", "no value at '/missing' in the configuration of com.example.A", "unrecognized namespace 'bogus'"],
            interpolator.Unresolved.Select(u => u.Reason).Order(StringComparer.Ordinal).ToArray());
    }
}
