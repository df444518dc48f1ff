using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Services;

/// <summary>
/// Per-component <c>configuration</c> trees with the nucleus's merge semantics (objects merge key by key; scalars and
/// arrays are replaced whole) and change notification per changed leaf path. Thread-safe; readers get copies.
/// </summary>
internal sealed class ConfigurationStore
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, JsonObject> _configurations = new(StringComparer.Ordinal);
    private readonly List<Watcher> _watchers = [];

    public bool Contains(string componentName)
    {
        lock (_sync)
        {
            return _configurations.ContainsKey(componentName);
        }
    }

    /// <summary>Sets a component's whole configuration (no change events: this is its initial state).</summary>
    public void Set(string componentName, JsonObject configuration)
    {
        lock (_sync)
        {
            _configurations[componentName] = (JsonObject)configuration.DeepClone();
        }
    }

    /// <summary>A copy of the whole configuration, or null for an unknown component.</summary>
    public JsonObject? Get(string componentName)
    {
        lock (_sync)
        {
            return _configurations.TryGetValue(componentName, out var configuration) ? (JsonObject)configuration.DeepClone() : null;
        }
    }

    /// <summary>
    /// The GetConfiguration answer: the subtree at <paramref name="keyPath"/>, or <c>{leafKey: value}</c> for a leaf.
    /// </summary>
    /// <returns>False when the component or the key path does not exist.</returns>
    public bool TryGetValue(string componentName, IReadOnlyList<string>? keyPath, out JsonObject value)
    {
        value = [];
        lock (_sync)
        {
            if (!_configurations.TryGetValue(componentName, out var root))
            {
                return false;
            }

            if (keyPath is null || keyPath.Count == 0)
            {
                value = (JsonObject)root.DeepClone();
                return true;
            }

            if (!TryFind(root, keyPath, out var node))
            {
                return false;
            }

            value = node is JsonObject subtree
                ? (JsonObject)subtree.DeepClone()
                : new JsonObject { [keyPath[^1]] = node?.DeepClone() };
            return true;
        }
    }

    /// <summary>Whether the key path exists (an empty path always does for a known component).</summary>
    public bool Exists(string componentName, IReadOnlyList<string>? keyPath)
    {
        lock (_sync)
        {
            return _configurations.TryGetValue(componentName, out var root) && (keyPath is null || keyPath.Count == 0 || TryFind(root, keyPath, out _));
        }
    }

    /// <summary>Merges <paramref name="merge"/> into the component's configuration (creating it when unknown).</summary>
    /// <returns>The changed leaf paths, and the notifications to deliver for them.</returns>
    public (IReadOnlyList<IReadOnlyList<string>> ChangedPaths, IReadOnlyList<Func<ValueTask>> Notifications) Merge(
        string componentName, JsonObject merge, IReadOnlyList<string>? atKeyPath = null)
    {
        var changed = new List<IReadOnlyList<string>>();
        var notifications = new List<Func<ValueTask>>();
        lock (_sync)
        {
            if (!_configurations.TryGetValue(componentName, out var root))
            {
                root = [];
                _configurations[componentName] = root;
            }

            var target = root;
            var prefix = new List<string>();
            foreach (var key in atKeyPath ?? [])
            {
                if (target[key] is not JsonObject child)
                {
                    child = [];
                    target[key] = child;
                }

                target = child;
                prefix.Add(key);
            }

            MergeInto(target, merge, prefix, changed);
            foreach (var path in changed)
            {
                foreach (var watcher in _watchers)
                {
                    if (watcher.ComponentName == componentName && Overlaps(watcher.KeyPath, path))
                    {
                        var callback = watcher.OnChanged;
                        notifications.Add(() => callback(path));
                    }
                }
            }
        }

        return (changed, notifications);
    }

    /// <summary>Calls <paramref name="onChanged"/> with each changed path at or under (or above) <paramref name="keyPath"/>.</summary>
    public IDisposable Watch(string componentName, IReadOnlyList<string> keyPath, Func<IReadOnlyList<string>, ValueTask> onChanged)
    {
        var watcher = new Watcher(this, componentName, keyPath, onChanged);
        lock (_sync)
        {
            _watchers.Add(watcher);
        }

        return watcher;
    }

    private static bool TryFind(JsonObject root, IReadOnlyList<string> keyPath, out JsonNode? node)
    {
        node = root;
        foreach (var key in keyPath)
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(key, out node))
            {
                node = null;
                return false;
            }
        }

        return true;
    }

    private static void MergeInto(JsonObject target, JsonObject merge, List<string> path, List<IReadOnlyList<string>> changed)
    {
        foreach (var (key, value) in merge)
        {
            path.Add(key);
            var exists = target.TryGetPropertyValue(key, out var current);
            if (value is JsonObject mergeChild && current is JsonObject currentChild)
            {
                MergeInto(currentChild, mergeChild, path, changed);
            }
            else if (!exists || !JsonNode.DeepEquals(current, value))
            {
                var replacement = value?.DeepClone();
                target[key] = replacement;
                CollectLeaves(replacement, path, changed);
            }

            path.RemoveAt(path.Count - 1);
        }
    }

    private static void CollectLeaves(JsonNode? node, List<string> path, List<IReadOnlyList<string>> changed)
    {
        if (node is JsonObject obj && obj.Count > 0)
        {
            foreach (var (key, child) in obj)
            {
                path.Add(key);
                CollectLeaves(child, path, changed);
                path.RemoveAt(path.Count - 1);
            }

            return;
        }

        changed.Add([.. path]);
    }

    private static bool Overlaps(IReadOnlyList<string> watched, IReadOnlyList<string> changed)
    {
        var common = Math.Min(watched.Count, changed.Count);
        for (var i = 0; i < common; i++)
        {
            if (!string.Equals(watched[i], changed[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private sealed class Watcher(ConfigurationStore store, string componentName, IReadOnlyList<string> keyPath, Func<IReadOnlyList<string>, ValueTask> onChanged)
        : IDisposable
    {
        public string ComponentName { get; } = componentName;

        public IReadOnlyList<string> KeyPath { get; } = keyPath;

        public Func<IReadOnlyList<string>, ValueTask> OnChanged { get; } = onChanged;

        public void Dispose()
        {
            lock (store._sync)
            {
                store._watchers.Remove(this);
            }
        }
    }
}
