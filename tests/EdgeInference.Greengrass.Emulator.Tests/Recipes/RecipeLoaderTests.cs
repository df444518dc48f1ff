using EdgeInference.Greengrass.Emulator.Recipes;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Recipes;

public sealed class RecipeLoaderTests
{
    [Fact]
    public void Parse_Yaml_GivesPlainScalarsCoreSchemaTypesAndKeepsQuotedStrings()
    {
        var recipe = RecipeLoader.Parse("""
            ComponentName: com.example.A
            ComponentVersion: '1.0.0'
            ComponentConfiguration:
              DefaultConfiguration:
                Port: 8080
                Ratio: 0.5
                Enabled: true
                Quoted: "42"
                Empty: ~
                Text: hello world
                List: [1, two]
            """);

        var defaults = recipe.DefaultConfiguration;
        Assert.Equal("com.example.A", recipe.ComponentName);
        Assert.Equal("1.0.0", recipe.ComponentVersion);
        Assert.Equal("""{"Port":8080,"Ratio":0.5,"Enabled":true,"Quoted":"42","Empty":null,"Text":"hello world","List":[1,"two"]}""", defaults.ToJsonString());
    }

    [Fact]
    public void Parse_Json_ReadsTheSameShape()
    {
        var recipe = RecipeLoader.Parse("""{"ComponentName":"com.example.J","ComponentVersion":"2.0.0","Manifests":[{"Lifecycle":{"Run":"x"}}]}""", isJson: true);

        Assert.Equal("com.example.J", recipe.ComponentName);
        Assert.Single(recipe.Manifests);
    }

    [Theory]
    [InlineData("ComponentVersion: 1")]
    [InlineData("- a list")]
    [InlineData("ComponentName: [unclosed")]
    public void Parse_NoNameOrNotAMapping_ThrowsRecipeException(string yaml) =>
        Assert.Throws<RecipeException>(() => RecipeLoader.Parse(yaml));
}
