using System.Text.Json.Nodes;
using EdgeInference.Components;
using EdgeInference.Components.Gdk;
using EdgeInference.Testing;
using EdgeInference.Testing.Components;
using Xunit;

namespace EdgeInference.Components.Tests.Gdk;

public sealed class GdkConfigTests
{
    [Fact]
    public void Load_RepositoryConfig_DescribesWorkerComponentWithCustomBuild()
    {
        var config = GdkConfig.Load(Path.Combine(RepoPaths.Root, GdkConfig.FileName));

        Assert.Equal("com.example.EdgeInference", config.ComponentName);
        Assert.Equal("custom", config.BuildSystem);
        Assert.Matches(GdkConfig.SemVerPattern(), config.Version);
        Assert.False(string.IsNullOrWhiteSpace(config.Author));
        Assert.False(string.IsNullOrWhiteSpace(config.PublishBucket));
        var command = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, GdkConfig.FileName)))!["component"]!["com.example.EdgeInference"]!["build"]!["custom_build_command"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(["component", "build"], command.TakeLast(2));
    }

    [Fact]
    public void RepositoryConfig_GdkSchema_Valid()
    {
        var schema = GdkSchemaValidator.Load(GdkSchemaValidator.RequireSchema(GdkSchemaValidator.ConfigSchemaFile));

        var errors = schema.Validate(JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, GdkConfig.FileName)))!, lowerCaseKeys: false);

        Assert.Empty(errors);
    }

    [Fact]
    public void GdkSchema_ConfigWithoutGdkVersion_Invalid()
    {
        var schema = GdkSchemaValidator.Load(GdkSchemaValidator.RequireSchema(GdkSchemaValidator.ConfigSchemaFile));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, GdkConfig.FileName)))!.AsObject();
        config.Remove("gdk_version");

        Assert.NotEmpty(schema.Validate(config, lowerCaseKeys: false));
    }

    [Theory]
    [InlineData("""{"component":{"a.b":{"author":"x","version":"1.0","build":{"build_system":"zip"},"publish":{"bucket":"b"}}},"gdk_version":"1.0.0"}""", "'version' must be a semver version or NEXT_PATCH")]
    [InlineData("""{"component":{"a.b":{"author":"x","version":"1.0.0","build":{"build_system":"custom"},"publish":{"bucket":"b"}}},"gdk_version":"1.0.0"}""", "custom_build_command' is required")]
    [InlineData("""{"component":{"a.b":{"author":"x","version":"1.0.0","build":{"build_system":"make"},"publish":{"bucket":"b"}}},"gdk_version":"1.0.0"}""", "must be zip, maven, gradle, gradlew or custom")]
    [InlineData("""{"component":{"a.b":{"version":"1.0.0","build":{"build_system":"zip"},"publish":{}}},"gdk_version":"1.0.0"}""", "'author' is required")]
    [InlineData("""{"component":{"a.b":{"author":"x","version":"1.0.0","build":{"build_system":"zip"},"publish":{"bucket":"b"}}}}""", "'gdk_version' is required")]
    [InlineData("""{"component":{"a":{},"b":{}},"gdk_version":"1.0.0"}""", "exactly one component")]
    [InlineData("""{"component":{"bad name!":{"author":"x","version":"1.0.0","build":{"build_system":"zip"},"publish":{"bucket":"b"}}},"gdk_version":"1.0.0"}""", "must match [a-zA-Z0-9-_.]+")]
    public void Parse_BrokenConfig_ThrowsNamingTheRule(string json, string expected)
    {
        var error = Assert.Throws<GdkConfigException>(() => GdkConfig.Parse(JsonNode.Parse(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NextPatch_Accepted()
    {
        var config = GdkConfig.Parse(JsonNode.Parse("""{"component":{"a.b":{"author":"x","version":"NEXT_PATCH","build":{"build_system":"zip"},"publish":{"bucket":"b","region":"eu-west-1"}}},"gdk_version":"1.6.2"}"""));

        Assert.True(config.IsNextPatch);
        Assert.Equal("eu-west-1", config.PublishRegion);
    }
}
