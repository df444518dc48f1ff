using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Deployments;

/// <summary>A component of a deployment, as planned.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Version">The resolved version.</param>
/// <param name="IsRoot">Named by <c>--merge</c>.</param>
/// <param name="IsBuiltin">Provided by the emulator (no recipe, no process).</param>
/// <param name="ArtifactsPath"><c>{artifacts:path}</c>.</param>
/// <param name="DecompressedPath"><c>{artifacts:decompressedPath}</c>.</param>
/// <param name="WorkPath"><c>{work:path}</c>.</param>
/// <param name="Configuration">The configuration the deployment gave it.</param>
/// <param name="Lifecycle">The rendered lifecycle (empty for built-ins).</param>
/// <param name="Dependencies">Its dependencies in the deployment.</param>
public sealed record DeployedComponent(
    string Name,
    string Version,
    bool IsRoot,
    bool IsBuiltin,
    string ArtifactsPath,
    string DecompressedPath,
    string WorkPath,
    JsonObject Configuration,
    JsonObject Lifecycle,
    IReadOnlyList<Recipes.ComponentDependency> Dependencies);
