using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EdgeInference.Worker.Greengrass;

namespace EdgeInference.Worker.Tests.Fakes;

/// <summary>Model components' configuration as a test sets it; unknown components are "not deployed".</summary>
internal sealed class FakeComponentSettings : IComponentSettingsSource
{
    private readonly ConcurrentDictionary<string, JsonObject> _configurations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<CancellationToken, Task>> _watchers = new(StringComparer.Ordinal);

    public bool IsAvailable => true;

    public void Set(string component, JsonObject configuration) => _configurations[component] = configuration;

    public Task ChangeAsync(string component, JsonObject configuration, CancellationToken cancellationToken = default)
    {
        Set(component, configuration);
        return _watchers.TryGetValue(component, out var watcher) ? watcher(cancellationToken) : Task.CompletedTask;
    }

    public bool IsWatched(string component) => _watchers.ContainsKey(component);

    public Task<ComponentSettings> GetAsync(string component, CancellationToken cancellationToken = default) =>
        _configurations.TryGetValue(component, out var configuration)
            ? Task.FromResult(new ComponentSettings((JsonObject)configuration.DeepClone()))
            : throw new ComponentNotDeployedException($"Component {component} is not deployed on this device (the nucleus answered: Key not found).");

    public Task<IAsyncDisposable> WatchAsync(string component, Func<CancellationToken, Task> onChange, CancellationToken cancellationToken = default)
    {
        _watchers[component] = onChange;
        return Task.FromResult<IAsyncDisposable>(new Watch(() => _watchers.TryRemove(component, out _)));
    }

    private sealed class Watch(Action remove) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            remove();
            return ValueTask.CompletedTask;
        }
    }
}
