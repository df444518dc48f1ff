using EdgeInference.Greengrass.Emulator.Deployments;
using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Deployments;

/// <summary>The README's example camera component stays a valid local deployment input.</summary>
public sealed class ExampleDeploymentTests
{
    private static readonly string Example = Path.Combine(RepoPaths.Root, "src", "EdgeInference.Greengrass.Emulator", "examples", "camera");

    [Fact]
    public async Task CameraExample_RecipePassesTheRecipeRules_AndItsArtifactIsWhereTheRecipeSays()
    {
        var index = await RecipeIndex.LoadAsync(Path.Combine(Example, "recipes"), TestContext.Current.CancellationToken);

        var (version, recipe) = Assert.Single(index.Versions("com.example.Camera"));
        var dependency = Assert.Single(recipe.ComponentDependencies);
        Assert.Equal(("com.example.EdgeInference", ">=1.0.0 <2.0.0"), (dependency.Name, dependency.VersionRequirement));
        var artifact = Assert.Single(EdgeInference.Greengrass.Emulator.Recipes.ComponentRecipe.Artifacts(recipe.Manifests[0]));
        Assert.True(File.Exists(Path.Combine(Example, "artifacts", "com.example.Camera", version.ToString(), artifact.FileName)));
    }
}
