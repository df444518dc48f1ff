using EdgeInference.Greengrass.Ipc;
using Microsoft.Extensions.Configuration;

namespace EdgeInference.Worker.Greengrass;

/// <summary>
/// The component's configuration read from the Greengrass nucleus over IPC (GetConfiguration), so the worker's
/// options bind from a deployment's merged configuration. Add it before the command line so arguments still win.
/// </summary>
public sealed class GreengrassConfigurationSource : IConfigurationSource
{
    public required GreengrassIpcOptions IpcOptions { get; init; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new GreengrassConfigurationProvider(IpcOptions);
}
