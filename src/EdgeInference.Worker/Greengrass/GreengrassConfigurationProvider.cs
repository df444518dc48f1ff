using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Ipc;
using Microsoft.Extensions.Configuration;

namespace EdgeInference.Worker.Greengrass;

/// <summary>
/// Loads the component configuration once at startup through its own short-lived IPC connection; later changes
/// arrive through <see cref="Apply"/> (the IPC head subscribes to configuration updates and hands over the new tree).
/// </summary>
public sealed class GreengrassConfigurationProvider : ConfigurationProvider
{
    private readonly GreengrassIpcOptions _ipcOptions;

    public GreengrassConfigurationProvider(GreengrassIpcOptions ipcOptions)
    {
        ArgumentNullException.ThrowIfNull(ipcOptions);
        _ipcOptions = ipcOptions;
    }

    /// <summary>The configuration tree last loaded or applied.</summary>
    public JsonObject? Current { get; private set; }

    /// <exception cref="GreengrassConfigurationException">The nucleus cannot be reached or refused the request.</exception>
    public override void Load()
    {
        // Configuration providers load synchronously; this runs once, at startup, before anything else is serving.
        var configuration = Task.Run(FetchAsync).GetAwaiter().GetResult();
        Current = configuration;
        Data = ConfigurationFlattener.Flatten(configuration);
    }

    /// <summary>Replaces the data with a newer configuration tree and signals reload to every change-token listener.</summary>
    public void Apply(JsonObject? configuration)
    {
        Current = configuration;
        Data = ConfigurationFlattener.Flatten(configuration);
        OnReload();
    }

    private async Task<JsonObject?> FetchAsync()
    {
        var options = new GreengrassIpcOptions
        {
            SocketPath = _ipcOptions.SocketPath,
            AuthToken = _ipcOptions.AuthToken,
            ConnectTimeout = _ipcOptions.ConnectTimeout,
            RequestTimeout = _ipcOptions.RequestTimeout,
            MaxMessageSize = _ipcOptions.MaxMessageSize,
            AutoReconnect = false,
        };
        try
        {
            var client = new GreengrassIpcClient(options);
            await using (client.ConfigureAwait(false))
            {
                await client.ConnectAsync().ConfigureAwait(false);
                var response = await client.GetConfigurationAsync().ConfigureAwait(false);
                return response.Value;
            }
        }
        catch (Exception ex) when (ex is GreengrassIpcException or System.ComponentModel.DataAnnotations.ValidationException)
        {
            throw new GreengrassConfigurationException(
                $"Cannot read the component configuration from the Greengrass nucleus at '{options.SocketPath}': {ex.Message}", ex);
        }
    }
}

/// <summary>The component configuration could not be read from the nucleus.</summary>
public sealed class GreengrassConfigurationException : Exception
{
    public GreengrassConfigurationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
