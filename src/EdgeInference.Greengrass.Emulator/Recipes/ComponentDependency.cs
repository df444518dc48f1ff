namespace EdgeInference.Greengrass.Emulator.Recipes;

/// <summary>How a component depends on another (<c>DependencyType</c>; HARD when absent).</summary>
public enum DependencyType
{
    /// <summary>The dependent starts only once the dependency is RUNNING or FINISHED, and restarts when it stops being so.</summary>
    Hard,

    /// <summary>Resolved and deployed, but the dependent does not wait for it.</summary>
    Soft,
}

/// <summary>One <c>ComponentDependencies</c> entry.</summary>
/// <param name="Name">The component depended on.</param>
/// <param name="VersionRequirement">An npm-style range, e.g. <c>&gt;=1.0.0 &lt;2.0.0</c>.</param>
/// <param name="Type">HARD or SOFT.</param>
public sealed record ComponentDependency(string Name, string VersionRequirement, DependencyType Type);
