using EdgeInference.Greengrass.Emulator.Recipes;
using Semver;

namespace EdgeInference.Greengrass.Emulator.Deployments;

/// <summary>
/// Chooses a version of every component a deployment needs, following the nucleus's DependencyResolver and
/// ComponentManager.resolveComponentVersion for a device without a cloud connection:
/// <list type="bullet">
/// <item>Each root component is required by the local deployment group (<c>LOCAL_DEPLOYMENT</c>) at its
/// <c>--merge</c> version (read as an npm range, so an exact version means that version).</item>
/// <item>Roots are resolved one after another, breadth first. A component is resolved against every requirement known
/// so far (all must hold): a built-in whose version meets them is taken first, else the highest version in the recipe
/// folder that meets them; none is an error. When a later requirement changes a resolved version, the dependencies
/// only the old version brought are dropped and the new version's are followed.</item>
/// <item>After resolution, each root's dependency graph must have no cycle.</item>
/// </list>
/// </summary>
internal sealed class DependencyResolver
{
    /// <summary>The requirer name the nucleus uses for a local deployment's own requirements.</summary>
    public const string LocalDeploymentGroup = "LOCAL_DEPLOYMENT";

    private const int MaxResolutionSteps = 10_000;
    private readonly RecipeIndex _index;
    private readonly IReadOnlyDictionary<string, SemVersion> _builtins;
    private readonly Dictionary<string, Dictionary<string, string>> _requirements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ResolvedVersion> _resolved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _references = new(StringComparer.Ordinal);

    public DependencyResolver(RecipeIndex index, IReadOnlyDictionary<string, SemVersion> builtins)
    {
        _index = index;
        _builtins = builtins;
    }

    /// <summary>Resolves the deployment's components.</summary>
    /// <returns>Every component to run, by name.</returns>
    /// <exception cref="DeploymentRefusedException">A root version that is not a range, a requirement nothing satisfies
    /// (an unknown component included), or a dependency cycle.</exception>
    public IReadOnlyDictionary<string, ResolvedVersion> Resolve(IReadOnlyDictionary<string, string> roots)
    {
        foreach (var (root, version) in roots)
        {
            if (!RecipeRules.TryParseRange(version, out _))
            {
                throw new DeploymentRefusedException(root, "root component version",
                    $"Unsupported component version '{version}' for component '{root}'. For pre-release versions, please start the version tag with a non-numeric character");
            }

            Requirements(root)[LocalDeploymentGroup] = version;
        }

        var steps = 0;
        foreach (var root in roots.Keys)
        {
            ResolveFrom(root, ref steps);
        }

        foreach (var root in roots.Keys)
        {
            DetectCycle(root);
        }

        return _resolved;
    }

    private Dictionary<string, string> Requirements(string name)
    {
        if (!_requirements.TryGetValue(name, out var requirements))
        {
            requirements = new Dictionary<string, string>(StringComparer.Ordinal);
            _requirements[name] = requirements;
        }

        return requirements;
    }

    private void ResolveFrom(string root, ref int steps)
    {
        var queue = new Queue<string>([root]);
        while (queue.TryDequeue(out var name))
        {
            if (++steps > MaxResolutionSteps)
            {
                throw new DeploymentRefusedException(name, "dependency resolution", $"did not settle within {MaxResolutionSteps} steps; the version requirements keep changing each other");
            }

            var chosen = Choose(name, Requirements(name));
            _references[name] = _references.GetValueOrDefault(name) + 1;
            _resolved.TryGetValue(name, out var previous);
            _resolved[name] = chosen;
            if (previous is not null && !previous.Equals(chosen))
            {
                DropDependenciesOf(previous);
            }

            if (chosen.Equals(previous))
            {
                continue;
            }

            foreach (var dependency in chosen.Dependencies)
            {
                Requirements(dependency.Name)[name] = dependency.VersionRequirement;
                queue.Enqueue(dependency.Name);
            }
        }
    }

    private ResolvedVersion Choose(string name, Dictionary<string, string> requirements)
    {
        var ranges = requirements.Values.Select(r => RecipeRules.TryParseRange(r, out var range) ? range! : SemVersionRange.Empty).ToList();
        if (_builtins.TryGetValue(name, out var builtin) && ranges.All(r => r.Contains(builtin)))
        {
            return new ResolvedVersion(name, builtin, null);
        }

        foreach (var (version, recipe) in _index.Versions(name))
        {
            if (ranges.All(r => r.Contains(version)))
            {
                return new ResolvedVersion(name, version, recipe);
            }
        }

        throw NoAvailableVersion(name, requirements);
    }

    /// <summary>The nucleus's NoAvailableComponentVersionException text, after what the emulator knows.</summary>
    private DeploymentRefusedException NoAvailableVersion(string name, Dictionary<string, string> requirements)
    {
        var local = _index.Versions(name).Select(v => v.Version.ToString()).ToList();
        if (_builtins.TryGetValue(name, out var builtin))
        {
            local.Add($"{builtin} (built in)");
        }

        var known = local.Count == 0 ? "there is no recipe for it in the recipe folder" : $"local versions: {string.Join(", ", local)}";
        var constraints = string.Join(", ", requirements.Select(r => $"{r.Key} requires {r.Value}"));
        return new DeploymentRefusedException(name, "dependency resolution",
            $"no local version satisfies every requirement ({known}). Device is configured to run offline and no local component version satisfies the requirements. "
            + "Check whether the version constraints conflict and that the component exists in your AWS account with a version that matches the version constraints. "
            + $"If the version constraints conflict, revise deployments to resolve the conflict. Component {name} version constraints: {constraints}.");
    }

    /// <summary>DependencyResolver.removeDependencies: what only the replaced version needed goes too.</summary>
    private void DropDependenciesOf(ResolvedVersion replaced)
    {
        var queue = new Queue<ResolvedVersion>([replaced]);
        var steps = 0;
        while (queue.TryDequeue(out var removed) && ++steps <= MaxResolutionSteps)
        {
            foreach (var dependency in removed.Dependencies)
            {
                Requirements(dependency.Name).Remove(removed.Name);
                if (!_references.TryGetValue(dependency.Name, out var count))
                {
                    continue;
                }

                if (count == 1)
                {
                    _references.Remove(dependency.Name);
                    if (_resolved.Remove(dependency.Name, out var orphan))
                    {
                        queue.Enqueue(orphan);
                    }
                }
                else
                {
                    _references[dependency.Name] = count - 1;
                }
            }
        }
    }

    /// <summary>DependencyResolver.detectCircularDependency, with the cycle named.</summary>
    private void DetectCycle(string root)
    {
        var visiting = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        if (FindCycle(root, visiting, done) is { } cycle)
        {
            throw new DeploymentRefusedException(root, "dependency cycle",
                $"Circular dependency detected for component {_resolved[root].Id} ({string.Join(" -> ", cycle)})");
        }
    }

    private List<string>? FindCycle(string name, List<string> visiting, HashSet<string> done)
    {
        var at = visiting.IndexOf(name);
        if (at >= 0)
        {
            return [.. visiting[at..], name];
        }

        if (!done.Add(name) || !_resolved.TryGetValue(name, out var resolved))
        {
            return null;
        }

        visiting.Add(name);
        foreach (var dependency in resolved.Dependencies)
        {
            if (FindCycle(dependency.Name, visiting, done) is { } cycle)
            {
                return cycle;
            }
        }

        visiting.RemoveAt(visiting.Count - 1);
        return null;
    }
}
