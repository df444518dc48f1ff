using EdgeInference.Worker.Options;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Hosting;

/// <summary>Which head serves: <c>Transport</c> = auto (IPC under Greengrass, else MQTT), ipc or mqtt.</summary>
public sealed class TransportSelection
{
    public TransportSelection(IOptions<WorkerOptions> options)
    {
        var transport = options.Value.Transport.ToLowerInvariant();
        GreengrassEnvironment =
            !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SVCUID")) &&
            !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT"));
        UsesIpc = transport == "ipc";
        UsesMqtt = !UsesIpc;
    }

    /// <summary>SVCUID and the nucleus socket path are set: a Greengrass nucleus launched this process.</summary>
    public bool GreengrassEnvironment { get; }

    public bool UsesIpc { get; }

    public bool UsesMqtt { get; }
}
