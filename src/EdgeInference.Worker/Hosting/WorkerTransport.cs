using EdgeInference.Greengrass.Ipc;
using EdgeInference.Worker.Options;

namespace EdgeInference.Worker.Hosting;

/// <summary>The head that serves, decided once at startup: <c>Transport</c>=auto takes IPC when the nucleus started us.</summary>
public sealed record WorkerTransport(bool UsesIpc, bool GreengrassEnvironment)
{
    public const string Ipc = "ipc";
    public const string Mqtt = "mqtt";

    public bool UsesMqtt => !UsesIpc;

    public string Name => UsesIpc ? Ipc : Mqtt;

    public static WorkerTransport Resolve(TransportKind requested, GreengrassIpcOptions ipc)
    {
        var greengrass = IsGreengrassEnvironment(ipc);
        return new WorkerTransport(requested == TransportKind.Ipc || (requested == TransportKind.Auto && greengrass), greengrass);
    }

    /// <summary>
    /// SVCUID and the nucleus socket path are set (the environment a nucleus gives its components, or
    /// <c>GreengrassIpc:SocketPath</c>/<c>GreengrassIpc:AuthToken</c>).
    /// </summary>
    public static bool IsGreengrassEnvironment(GreengrassIpcOptions options) =>
        !string.IsNullOrEmpty(options.SocketPath) && !string.IsNullOrEmpty(options.AuthToken);
}
