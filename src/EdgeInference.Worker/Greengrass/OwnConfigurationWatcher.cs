using EdgeInference.Greengrass.Ipc;
using EdgeInference.Greengrass.Ipc.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Worker.Greengrass;

/// <summary>
/// Follows the worker's own component configuration under Greengrass: on each update it reads the configuration
/// again and hands it to the configuration provider, whose reload reaches every options monitor (a changed
/// <c>Model:*</c> or <c>ModelPackagingDescription</c> reloads the worker's own model).
/// </summary>
internal sealed class OwnConfigurationWatcher : BackgroundService
{
    private readonly GreengrassConnection _connection;
    private readonly GreengrassConfigurationProvider _provider;
    private readonly ILogger<OwnConfigurationWatcher> _logger;

    public OwnConfigurationWatcher(GreengrassConnection connection, GreengrassConfigurationProvider provider, ILogger<OwnConfigurationWatcher> logger)
    {
        _connection = connection;
        _provider = provider;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var client = await _connection.GetClientAsync(stoppingToken).ConfigureAwait(false);
            await using var updates = await client.SubscribeToConfigurationUpdateAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
            await foreach (var update in updates.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await ApplyAsync(client, update, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is GreengrassIpcException or GreengrassConnectionException)
        {
            WorkerLog.IpcOperationFailed(_logger, "configuration updates", ex);
        }
    }

    private async Task ApplyAsync(GreengrassIpcClient client, ConfigurationUpdateEvents update, CancellationToken cancellationToken)
    {
        try
        {
            WorkerLog.ConfigurationChanged(_logger, string.Join('/', update.ConfigurationUpdateEvent?.KeyPath ?? []));
            var current = await client.GetConfigurationAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _provider.Apply(current.Value);
        }
        catch (GreengrassIpcException ex)
        {
            WorkerLog.IpcOperationFailed(_logger, "GetConfiguration after an update", ex);
        }
    }
}
