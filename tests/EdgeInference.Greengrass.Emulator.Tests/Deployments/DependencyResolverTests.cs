using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Deployments;
using EdgeInference.Greengrass.Emulator.Tests.Fakes;
using Semver;
using Xunit;
using static EdgeInference.Greengrass.Emulator.Tests.Fakes.DeploymentFolder;

namespace EdgeInference.Greengrass.Emulator.Tests.Deployments;

/// <summary>The nucleus's DependencyResolver and ComponentManager.resolveComponentVersion, offline, on recipe folders.</summary>
public sealed class DependencyResolverTests : IDisposable
{
    private static readonly JsonObject Nothing = new() { ["Run"] = "true" };
    private readonly DeploymentFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Resolve_SeveralRequirements_PicksTheHighestVersionSatisfyingAll()
    {
        foreach (var version in new[] { "1.0.0", "1.4.0", "1.9.0", "2.0.0" })
        {
            _folder.Recipe(RecipeOf("com.example.Lib", version, Nothing));
        }

        _folder.Recipe(RecipeOf("com.example.A", "1.0.0", Nothing, new JsonObject { ["com.example.Lib"] = Dependency("^1.0.0") }));
        _folder.Recipe(RecipeOf("com.example.B", "1.0.0", Nothing, new JsonObject { ["com.example.Lib"] = Dependency("<1.5.0") }));

        var resolved = await ResolveAsync(("com.example.A", "1.0.0"), ("com.example.B", "1.0.0"));

        Assert.Equal("1.4.0", resolved["com.example.Lib"].Version.ToString());
        Assert.Equal(["com.example.A", "com.example.B", "com.example.Lib"], resolved.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Resolve_RequirementChangesAVersion_DropsWhatOnlyTheOldVersionNeeded()
    {
        _folder.Recipe(RecipeOf("com.example.Lib", "2.0.0", Nothing, new JsonObject { ["com.example.Extra"] = Dependency("*") }));
        _folder.Recipe(RecipeOf("com.example.Lib", "1.0.0", Nothing));
        _folder.Recipe(RecipeOf("com.example.Extra", "1.0.0", Nothing));
        _folder.Recipe(RecipeOf("com.example.A", "1.0.0", Nothing, new JsonObject { ["com.example.Lib"] = Dependency("*") }));
        _folder.Recipe(RecipeOf("com.example.B", "1.0.0", Nothing, new JsonObject { ["com.example.Lib"] = Dependency("1.x") }));

        var resolved = await ResolveAsync(("com.example.A", "1.0.0"), ("com.example.B", "1.0.0"));

        Assert.Equal("1.0.0", resolved["com.example.Lib"].Version.ToString());
        Assert.False(resolved.ContainsKey("com.example.Extra"));
    }

    [Fact]
    public async Task Resolve_BuiltinThatSatisfies_IsTakenWithoutARecipe()
    {
        _folder.Recipe(RecipeOf("com.example.A", "1.0.0", Nothing, new JsonObject
        {
            ["aws.greengrass.TokenExchangeService"] = Dependency("^2.0.0"),
            ["aws.greengrass.Nucleus"] = Dependency(">=2.5.0", "SOFT"),
        }));

        var resolved = await ResolveAsync(("com.example.A", "1.0.0"));

        Assert.True(resolved["aws.greengrass.TokenExchangeService"].IsBuiltin);
        Assert.Equal("2.14.0", resolved["aws.greengrass.Nucleus"].Version.ToString());
    }

    [Fact]
    public async Task Resolve_BuiltinVersionTooLow_IsRefused()
    {
        _folder.Recipe(RecipeOf("com.example.A", "1.0.0", Nothing, new JsonObject { ["aws.greengrass.Nucleus"] = Dependency(">=3.0.0") }));

        var error = await Assert.ThrowsAsync<DeploymentRefusedException>(() => ResolveAsync(("com.example.A", "1.0.0")));

        Assert.Equal("aws.greengrass.Nucleus", error.ComponentName);
        Assert.Contains("local versions: 2.14.0 (built in)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Component aws.greengrass.Nucleus version constraints: com.example.A requires >=3.0.0.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_RootVersionNotInTheFolder_IsRefusedWithTheLocalGroupRequirement()
    {
        _folder.Recipe(RecipeOf("com.example.A", "1.0.0", Nothing));

        var error = await Assert.ThrowsAsync<DeploymentRefusedException>(() => ResolveAsync(("com.example.A", "1.2.0")));

        Assert.Equal(("com.example.A", "dependency resolution"), (error.ComponentName, error.Rule));
        Assert.Contains("LOCAL_DEPLOYMENT requires 1.2.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_RootVersionThatIsNoRange_IsRefusedWithTheNucleusMessage()
    {
        _folder.Recipe(RecipeOf("com.example.A", "1.0.0", Nothing));

        var error = await Assert.ThrowsAsync<DeploymentRefusedException>(() => ResolveAsync(("com.example.A", "one")));

        Assert.Contains("Unsupported component version 'one' for component 'com.example.A'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_CycleBelowTheRoot_IsRefusedNamingTheRootAndTheCycle()
    {
        _folder.Recipe(RecipeOf("com.example.Root", "1.0.0", Nothing, new JsonObject { ["com.example.X"] = Dependency("*") }));
        _folder.Recipe(RecipeOf("com.example.X", "1.0.0", Nothing, new JsonObject { ["com.example.Y"] = Dependency("*") }));
        _folder.Recipe(RecipeOf("com.example.Y", "1.0.0", Nothing, new JsonObject { ["com.example.X"] = Dependency("*") }));

        var error = await Assert.ThrowsAsync<DeploymentRefusedException>(() => ResolveAsync(("com.example.Root", "1.0.0")));

        Assert.Equal("Circular dependency detected for component com.example.Root-v1.0.0 (com.example.X -> com.example.Y -> com.example.X)", error.Message.Split(": ", 3)[2]);
    }

    private async Task<IReadOnlyDictionary<string, ResolvedVersion>> ResolveAsync(params (string Name, string Version)[] roots)
    {
        var index = await RecipeIndex.LoadAsync(_folder.RecipeDirectory, TestContext.Current.CancellationToken);
        var builtin = SemVersion.Parse("2.14.0", SemVersionStyles.Strict);
        return new DependencyResolver(index, BuiltinComponents.Names.ToDictionary(n => n, _ => builtin))
            .Resolve(roots.ToDictionary(r => r.Name, r => r.Version));
    }
}
