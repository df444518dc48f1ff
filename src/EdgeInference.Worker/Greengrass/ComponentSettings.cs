using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Ipc;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Worker.Greengrass;

/// <summary>A model component's configuration, as the worker reads it.</summary>
/// <param name="Configuration">The component's whole configuration tree (null: none known).</param>
public sealed record ComponentSettings(JsonObject? Configuration)
{
    public static readonly ComponentSettings None = new((JsonObject?)null);

    /// <summary>The component's <c>Model</c> section (overrides of the worker's <c>Model:*</c> keys).</summary>
    public JsonObject? Model => Configuration?["Model"] as JsonObject;

    /// <summary>The component's <c>ModelPackagingDescription</c>.</summary>
    public JsonNode? PackagingDescription => Configuration?["ModelPackagingDescription"];
}

/// <summary>Reads and watches model components' configuration.</summary>
public interface IComponentSettingsSource
{
    /// <summary>False when there is no nucleus to ask (MQTT-only runs): settings are then <see cref="ComponentSettings.None"/>.</summary>
    bool IsAvailable { get; }

    /// <exception cref="ComponentNotDeployedException">The nucleus knows no such component (a stale registration).</exception>
    Task<ComponentSettings> GetAsync(string component, CancellationToken cancellationToken = default);

    /// <summary>Calls <paramref name="onChange"/> after each change of the component's configuration until disposed.</summary>
    Task<IAsyncDisposable> WatchAsync(string component, Func<CancellationToken, Task> onChange, CancellationToken cancellationToken = default);
}

/// <summary>The component the registration names is not deployed on this device.</summary>
public sealed class ComponentNotDeployedException : Exception
{
    public ComponentNotDeployedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>No nucleus: every component has no settings.</summary>
public sealed class NoComponentSettings : IComponentSettingsSource
{
    public bool IsAvailable => false;

    public Task<ComponentSettings> GetAsync(string component, CancellationToken cancellationToken = default) => Task.FromResult(ComponentSettings.None);

    public Task<IAsyncDisposable> WatchAsync(string component, Func<CancellationToken, Task> onChange, CancellationToken cancellationToken = default) =>
        Task.FromResult<IAsyncDisposable>(NothingToDispose.Instance);

    private sealed class NothingToDispose : IAsyncDisposable
    {
        public static readonly NothingToDispose Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Model components' configuration over IPC: GetConfiguration and SubscribeToConfigurationUpdate with their component name.</summary>
public sealed class GreengrassComponentSettings : IComponentSettingsSource
{
    private readonly GreengrassConnection _connection;
    private readonly ILogger<GreengrassComponentSettings> _logger;

    public GreengrassComponentSettings(GreengrassConnection connection, ILogger<GreengrassComponentSettings> logger)
    {
        _connection = connection;
        _logger = logger;
    }

    public bool IsAvailable => true;

    public async Task<ComponentSettings> GetAsync(string component, CancellationToken cancellationToken = default)
    {
        var client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await client.GetConfigurationAsync(componentName: component, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ComponentSettings(response.Value);
        }
        catch (ResourceNotFoundErrorException ex)
        {
            throw new ComponentNotDeployedException($"Component {component} is not deployed on this device (the nucleus answered: {ex.Message}).", ex);
        }
    }

    public async Task<IAsyncDisposable> WatchAsync(string component, Func<CancellationToken, Task> onChange, CancellationToken cancellationToken = default)
    {
        var client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        var subscription = await client.SubscribeToConfigurationUpdateAsync(componentName: component, cancellationToken: cancellationToken).ConfigureAwait(false);
        var stop = new CancellationTokenSource();
        var loop = Task.Run(() => PumpAsync(component, subscription, onChange, stop.Token), CancellationToken.None);
        return new Watch(subscription, stop, loop);
    }

    private async Task PumpAsync(string component, IpcSubscription<EdgeInference.Greengrass.Ipc.Model.ConfigurationUpdateEvents> subscription, Func<CancellationToken, Task> onChange, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in subscription.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                WorkerLog.ComponentConfigurationChanged(_logger, component, string.Join('/', update.ConfigurationUpdateEvent?.KeyPath ?? []));
                await onChange(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (GreengrassIpcException ex)
        {
            WorkerLog.IpcOperationFailed(_logger, $"configuration updates of {component}", ex);
        }
    }

    private sealed class Watch(IAsyncDisposable subscription, CancellationTokenSource stop, Task loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
            }
            catch (GreengrassIpcException)
            {
                // The connection is gone; nothing left to unsubscribe.
            }

            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            stop.Dispose();
        }
    }
}
