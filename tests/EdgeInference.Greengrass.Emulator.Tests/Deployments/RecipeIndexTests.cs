using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Deployments;
using EdgeInference.Greengrass.Emulator.Tests.Fakes;
using Xunit;
using static EdgeInference.Greengrass.Emulator.Tests.Fakes.DeploymentFolder;

namespace EdgeInference.Greengrass.Emulator.Tests.Deployments;

/// <summary>DeploymentService.copyRecipesToComponentStore's reading of a recipe folder, with the recipe rules.</summary>
public sealed class RecipeIndexTests : IDisposable
{
    private readonly DeploymentFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task LoadAsync_NestedYamlYmlAndJson_AreRecipes_OtherAndEmptyFilesAreSkipped()
    {
        Directory.CreateDirectory(Path.Combine(_folder.RecipeDirectory, "nested"));
        _folder.Recipe(Path.Combine("nested", "a.yml"), "RecipeFormatVersion: '2020-01-25'\nComponentName: com.example.A\nComponentVersion: '1.0.0'\n");
        _folder.Recipe("b.JSON", RecipeOf("com.example.B", "2.0.0", []).ToJsonString());
        _folder.Recipe("notes.txt", "not a recipe");
        _folder.Recipe("empty.yaml", string.Empty);

        var index = await RecipeIndex.LoadAsync(_folder.RecipeDirectory, TestContext.Current.CancellationToken);

        Assert.Equal("1.0.0", index.Versions("com.example.A").Single().Version.ToString());
        Assert.Equal("2.0.0", index.Versions("com.example.B").Single().Version.ToString());
        Assert.Equal(2, index.SkippedFiles.Count);
    }

    [Theory]
    [InlineData("ComponentName: com.example.A\nComponentVersion: '1.0.0'\n", "recipeFormatVersion is marked non-null but is null")]
    [InlineData("RecipeFormatVersion: '2020-01-25'\nComponentName: 'com example'\nComponentVersion: '1.0.0'\n", "Component name could only include characters of ALPHA/DIGIT/\"-\"/\".\"/\"_\"")]
    [InlineData("RecipeFormatVersion: '2020-01-25'\nComponentName: com.example.A\nComponentVersion: '1.0'\n", "Invalid version: 1.0 (a component version is a strict semantic version, MAJOR.MINOR.PATCH)")]
    [InlineData("RecipeFormatVersion: '2020-01-25'\nComponentName: com.example.A\nComponentVersion: '1.0.0'\nComponentDependencies:\n  com.example.B:\n    DependencyType: HARD\n", "versionRequirement is marked non-null but is null (dependency com.example.B)")]
    [InlineData("RecipeFormatVersion: '2020-01-25'\nComponentName: com.example.A\nComponentVersion: '1.0.0'\nComponentDependencies:\n  com.example.B:\n    VersionRequirement: '^1.0.0'\n    DependencyType: STRONG\n", "DependencyType 'STRONG' of dependency com.example.B is not one of HARD, SOFT")]
    [InlineData("RecipeFormatVersion: '2020-01-25'\nComponentName: com.example.A\nComponentVersion: '1.0.0'\nManifests:\n  - Artifacts:\n      - URI: s3://b/x.zip\n        Unarchive: RAR\n", "Unarchive 'RAR' is not one of NONE, ZIP")]
    public async Task LoadAsync_RecipeBreakingARule_IsRefusedWithTheRule(string recipe, string problem)
    {
        _folder.Recipe("bad.yaml", recipe);

        var error = await Assert.ThrowsAsync<DeploymentRefusedException>(() => RecipeIndex.LoadAsync(_folder.RecipeDirectory, TestContext.Current.CancellationToken));

        Assert.Equal("recipe", error.Rule);
        Assert.EndsWith($"as a recipe due to: {problem}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MissingFolder_IsRefused()
    {
        var error = await Assert.ThrowsAsync<DeploymentRefusedException>(() => RecipeIndex.LoadAsync(Path.Combine(_folder.Folder, "nope"), TestContext.Current.CancellationToken));

        Assert.Equal("--recipeDir", error.ComponentName);
    }
}
