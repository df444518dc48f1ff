using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Artifacts;
using EdgeInference.Greengrass.Emulator.Recipes;
using Microsoft.Extensions.Logging;
using Semver;

namespace EdgeInference.Greengrass.Emulator.Deployments;

/// <summary>
/// Everything a deployment does before it starts a process, in the nucleus's order (DefaultDeploymentTask:
/// dependency resolution, artifact preparation, KernelConfigResolver): read the recipe folder, resolve versions,
/// select each manifest, resolve configurations, copy and unpack artifacts, render lifecycles. Any problem refuses the
/// deployment with a <see cref="DeploymentRefusedException"/> naming the component and the rule.
/// </summary>
internal static class DeploymentPlanner
{
    /// <summary>Plans <paramref name="request"/>.</summary>
    /// <returns>The components in start order (dependencies first).</returns>
    /// <exception cref="DeploymentRefusedException">The deployment cannot run.</exception>
    public static async Task<IReadOnlyList<DeployedComponent>> PlanAsync(
        NucleusEmulator emulator, LocalDeploymentRequest request, DeploymentOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (request.RootComponents.Count == 0)
        {
            throw new DeploymentRefusedException(RootComponents.OptionName, "root components", "the deployment names no component; give --merge NAME=VERSION");
        }

        foreach (var ignored in request.ConfigurationUpdates.Keys.Where(k => !request.RootComponents.ContainsKey(k)))
        {
            Log.UpdateForNonRootIgnored(logger, ignored);
        }

        var rootPath = Path.GetFullPath(options.RootPath);
        if (request.ArtifactDirectory is { } artifactDirectory
            && (Path.Combine(rootPath, "packages", "artifacts") + Path.DirectorySeparatorChar).StartsWith(Path.GetFullPath(artifactDirectory).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            // CLIEventStreamAgent.CreateLocalDeploymentHandler (InvalidArtifactsDirectoryPathError).
            throw new DeploymentRefusedException("--artifactDir", "artifacts folder",
                "Requested artifacts directory path is parent of kernel artifacts directory path. Specify another path to avoid recursive copy");
        }

        var index = await RecipeIndex.LoadAsync(request.RecipeDirectory, cancellationToken).ConfigureAwait(false);
        foreach (var replaced in index.ReplacedRecipes)
        {
            Log.RecipeReplaced(logger, replaced);
        }

        var nucleusVersion = SemVersion.Parse(emulator.Options.NucleusVersion, SemVersionStyles.Strict);
        var resolved = new DependencyResolver(index, BuiltinComponents.Names.ToDictionary(n => n, _ => nucleusVersion, StringComparer.Ordinal))
            .Resolve(request.RootComponents);
        var platform = options.Platform ?? PlatformMatcher.CurrentPlatform;
        var planned = new Dictionary<string, (ResolvedVersion Version, JsonObject? Manifest, ArtifactFolders Folders, JsonObject Configuration)>(StringComparer.Ordinal);
        foreach (var version in StartOrder(resolved))
        {
            var folders = ArtifactFolders.Under(rootPath, version.Name, version.Version.ToString());
            var manifest = version.Recipe is { } recipe ? SelectManifest(recipe, version.Id, platform) : null;
            var configuration = version.Recipe is { } withRecipe
                ? ConfigurationFor(emulator, withRecipe, request, logger)
                : BuiltinConfiguration(emulator, version.Name);
            planned[version.Name] = (version, manifest, folders, configuration);
        }

        await Task.Run(() => StageArtifacts(planned.Values.Where(p => !p.Version.IsBuiltin), request, options, cancellationToken), cancellationToken).ConfigureAwait(false);

        return [.. planned.Values.Select(p => Render(p.Version, p.Manifest, p.Folders, p.Configuration, planned, rootPath, emulator, request, logger))];
    }

    /// <summary>Dependencies before dependents; otherwise by name, so the order is stable.</summary>
    private static List<ResolvedVersion> StartOrder(IReadOnlyDictionary<string, ResolvedVersion> resolved)
    {
        var ordered = new List<ResolvedVersion>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        void Place(ResolvedVersion version)
        {
            if (!placed.Add(version.Name))
            {
                return;
            }

            foreach (var dependency in version.Dependencies.Select(d => d.Name).Order(StringComparer.Ordinal))
            {
                if (resolved.TryGetValue(dependency, out var next))
                {
                    Place(next);
                }
            }

            ordered.Add(version);
        }

        foreach (var name in resolved.Keys.Order(StringComparer.Ordinal))
        {
            Place(resolved[name]);
        }

        return ordered;
    }

    private static JsonObject? SelectManifest(ComponentRecipe recipe, string componentId, IReadOnlyDictionary<string, string> platform) =>
        PlatformMatcher.Select(recipe.Manifests, platform)
        ?? throw new DeploymentRefusedException(recipe.ComponentName, "platform",
            $"Failed to find usable recipe for current platform: {{{string.Join(", ", platform.Select(p => $"{p.Key}={p.Value}"))}}}, for package: '{componentId}' in the local package store");

    private static JsonObject ConfigurationFor(NucleusEmulator emulator, ComponentRecipe recipe, LocalDeploymentRequest request, ILogger logger)
    {
        var isRoot = request.RootComponents.ContainsKey(recipe.ComponentName);
        var update = isRoot ? request.ConfigurationUpdates.GetValueOrDefault(recipe.ComponentName) : null;
        var running = emulator.GetState(recipe.ComponentName) is null ? null : emulator.GetConfiguration(recipe.ComponentName);
        var skipped = new List<string>();
        var configuration = ConfigurationResolver.Resolve(running, recipe.DefaultConfiguration, update, skipped);
        foreach (var pointer in skipped)
        {
            Log.ResetOfListElementSkipped(logger, recipe.ComponentName, pointer);
        }

        return configuration;
    }

    private static JsonObject BuiltinConfiguration(NucleusEmulator emulator, string name) => name == BuiltinComponents.Nucleus
        ? new JsonObject { ["awsRegion"] = emulator.Options.Region, ["interpolateComponentConfiguration"] = false }
        : [];

    private static void StageArtifacts(
        IEnumerable<(ResolvedVersion Version, JsonObject? Manifest, ArtifactFolders Folders, JsonObject Configuration)> components,
        LocalDeploymentRequest request,
        DeploymentOptions options,
        CancellationToken cancellationToken)
    {
        foreach (var (version, manifest, folders, _) in components)
        {
            var source = request.ArtifactDirectory is { } artifactDirectory ? Path.Combine(artifactDirectory, version.Name, version.Version.ToString()) : null;
            try
            {
                ArtifactStager.Stage(version.Id, ComponentRecipe.Artifacts(manifest), source, folders, options.ArchiveLimits, cancellationToken);
            }
            catch (Exception ex) when (ex is ArtifactMissingException or RecipeException)
            {
                throw new DeploymentRefusedException(version.Name, "artifact", ex.Message, ex);
            }
            catch (ArchiveException ex)
            {
                throw new DeploymentRefusedException(version.Name, "archive", ex.Message, ex);
            }
            catch (IOException ex)
            {
                throw new DeploymentRefusedException(version.Name, "artifact", $"cannot copy its artifacts: {ex.Message}", ex);
            }
        }
    }

    private static DeployedComponent Render(
        ResolvedVersion version,
        JsonObject? manifest,
        ArtifactFolders folders,
        JsonObject configuration,
        Dictionary<string, (ResolvedVersion Version, JsonObject? Manifest, ArtifactFolders Folders, JsonObject Configuration)> planned,
        string rootPath,
        NucleusEmulator emulator,
        LocalDeploymentRequest request,
        ILogger logger)
    {
        var workPath = Path.Combine(rootPath, "work", version.Name);
        var dependencies = version.Dependencies.Where(d => planned.ContainsKey(d.Name)).ToList();
        var lifecycle = new JsonObject();
        if (version.Recipe is { } recipe)
        {
            var dependencyPaths = dependencies.ToDictionary(
                d => d.Name,
                d => Paths(planned[d.Name].Folders, Path.Combine(rootPath, "work", d.Name), planned[d.Name].Configuration),
                StringComparer.Ordinal);
            var interpolator = new LifecycleInterpolator(version.Name, Paths(folders, workPath, configuration), rootPath, emulator.Options.ThingName, dependencyPaths);
            try
            {
                lifecycle = interpolator.Interpolate(manifest.Member("Lifecycle") as JsonObject ?? recipe.GlobalLifecycle ?? []) as JsonObject ?? [];
            }
            catch (RecipeException ex)
            {
                throw new DeploymentRefusedException(version.Name, "recipe variables", ex.Message, ex);
            }

            foreach (var (placeholder, reason) in interpolator.Unresolved)
            {
                Log.PlaceholderUnresolved(logger, version.Name, placeholder, reason);
            }
        }

        return new DeployedComponent(
            version.Name,
            version.Version.ToString(),
            request.RootComponents.ContainsKey(version.Name),
            version.IsBuiltin,
            folders.ArtifactsPath,
            folders.DecompressedPath,
            workPath,
            configuration,
            lifecycle,
            dependencies);
    }

    private static ComponentPaths Paths(ArtifactFolders folders, string workPath, JsonObject configuration) =>
        new(folders.ArtifactsPath, folders.DecompressedPath, workPath, configuration);
}
