using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Recipes;
using EdgeInference.Testing.Components;
using Xunit;

namespace EdgeInference.Greengrass.Recipes.Tests;

public sealed class RecipeYamlTests
{
    [Fact]
    public void Parse_ScalarStyles_TypedLikeYaml12CoreSchema()
    {
        var recipe = RecipeYaml.Parse("a: 1883\nb: \"1883\"\nc: true\nd: 'false'\ne: 2020-01-25\nf: ~\ng: 1.5\nh: text\n");

        Assert.Equal(JsonValueKind.Number, recipe["a"]!.GetValueKind());
        Assert.Equal("1883", recipe["b"]!.GetValue<string>());
        Assert.True(recipe["c"]!.GetValue<bool>());
        Assert.Equal("false", recipe["d"]!.GetValue<string>());
        Assert.Equal("2020-01-25", recipe["e"]!.GetValue<string>());
        Assert.Null(recipe["f"]);
        Assert.Equal(1.5, recipe["g"]!.GetValue<double>());
        Assert.Equal("text", recipe["h"]!.GetValue<string>());
    }

    [Fact]
    public void Serialize_StringsThatLookTyped_QuotedSoYaml11ReadersKeepThemStrings()
    {
        var yaml = RecipeYaml.Serialize(new JsonObject { ["v"] = "2020-01-25", ["p"] = "1883", ["yy"] = "yes", ["o"] = "on", ["e"] = "", ["num"] = 5, ["b"] = false });

        Assert.Contains("v: \"2020-01-25\"", yaml, StringComparison.Ordinal);
        Assert.Contains("p: \"1883\"", yaml, StringComparison.Ordinal);
        Assert.Contains("yy: \"yes\"", yaml, StringComparison.Ordinal);
        Assert.Contains("o: \"on\"", yaml, StringComparison.Ordinal);
        Assert.Contains("e: \"\"", yaml, StringComparison.Ordinal);
        Assert.Contains("num: 5\n", yaml, StringComparison.Ordinal);
        Assert.Contains("b: false\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void SerializeThenParse_RepositoryTemplate_RoundTripsExactly()
    {
        var original = RecipeYaml.Parse(File.ReadAllText(ComponentTestProject.TemplatePath));

        var again = RecipeYaml.Parse(RecipeYaml.Serialize(original));

        Assert.True(JsonNode.DeepEquals(original, again));
    }

    [Fact]
    public void Serialize_MultiLineScript_WrittenAsLiteralBlock()
    {
        var yaml = RecipeYaml.Serialize(new JsonObject { ["Script"] = "set -e\necho \"hi\"\nexit 0" });

        Assert.Contains("Script: |-\n  set -e\n  echo \"hi\"\n  exit 0\n", yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a: [1\n", "not valid YAML")]
    [InlineData("a: 1\na: 2\n", "Duplicate key")]
    [InlineData("- 1\n- 2\n", "top level must be a mapping")]
    [InlineData("a: 1\n---\nb: 2\n", "exactly one YAML document")]
    public void Parse_BadYaml_ThrowsRecipeFormatException(string yaml, string expected)
    {
        var error = Assert.Throws<RecipeFormatException>(() => RecipeYaml.Parse(yaml));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
