using EdgeInference.Greengrass.Emulator.Recipes;
using Semver;

namespace EdgeInference.Greengrass.Emulator.Deployments;

/// <summary>A component version chosen by dependency resolution.</summary>
/// <param name="Name">The component.</param>
/// <param name="Version">The chosen version.</param>
/// <param name="Recipe">Its recipe; null for a built-in.</param>
internal sealed record ResolvedVersion(string Name, SemVersion Version, ComponentRecipe? Recipe)
{
    /// <summary>The dependencies its recipe declares (none for a built-in).</summary>
    public IReadOnlyList<ComponentDependency> Dependencies => Recipe?.ComponentDependencies ?? [];

    /// <summary><c>name-vversion</c>, as the nucleus's ComponentIdentifier prints it.</summary>
    public string Id => $"{Name}-v{Version}";

    /// <summary>True for a component the emulator provides.</summary>
    public bool IsBuiltin => Recipe is null;

    public bool Equals(ResolvedVersion? other) =>
        other is not null && Name == other.Name && Version.ComparePrecedenceTo(other.Version) == 0;

    public override int GetHashCode() => HashCode.Combine(Name, Version.WithoutMetadata());
}
