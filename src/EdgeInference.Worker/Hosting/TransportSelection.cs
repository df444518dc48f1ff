using EdgeInference.Greengrass.Ipc;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Hosting;

/// <summary>Which head serves: <c>Transport</c> = auto (IPC under Greengrass, else MQTT), ipc or mqtt.</summary>
public sealed class TransportSelection
{
    public const string Auto = "auto";
    public const string Ipc = "ipc";
    public const string Mqtt = "mqtt";

    public TransportSelection(IOptions<WorkerOptions> options, IOptions<GreengrassIpcOptions> ipc)
    {
        var transport = options.Value.Transport.ToLowerInvariant();
        GreengrassEnvironment = IsGreengrassEnvironment(ipc.Value);
        UsesIpc = transport == Ipc || (transport == Auto && GreengrassEnvironment);
        UsesMqtt = !UsesIpc;
    }

    /// <summary>
    /// SVCUID and the nucleus socket path are set (the environment a nucleus gives its components, or
    /// <c>GreengrassIpc:SocketPath</c>/<c>GreengrassIpc:AuthToken</c>).
    /// </summary>
    public bool GreengrassEnvironment { get; }

    public bool UsesIpc { get; }

    public bool UsesMqtt { get; }

    public static bool IsGreengrassEnvironment(GreengrassIpcOptions options) =>
        !string.IsNullOrEmpty(options.SocketPath) && !string.IsNullOrEmpty(options.AuthToken);

    /// <summary>The IPC connection settings from configuration section <c>GreengrassIpc</c>, defaulting to the nucleus's variables.</summary>
    public static GreengrassIpcOptions BindIpcOptions(IConfiguration configuration)
    {
        var options = new GreengrassIpcOptions();
        configuration.GetSection(GreengrassIpcOptions.SectionName).Bind(options);
        return options;
    }
}
