namespace EdgeInference.Worker.Options;

/// <summary>The <c>Ipc</c> section: which Greengrass IPC messaging the IPC head serves on.</summary>
public sealed record IpcOptions
{
    public const string SectionName = "Ipc";

    /// <summary><c>local</c>, <c>iotcore</c> or <c>both</c>.</summary>
    public IpcTarget Target { get; set; } = IpcTarget.Local;
}

/// <summary>Where IPC requests come from.</summary>
public enum IpcTarget
{
    /// <summary>Local pub/sub (SubscribeToTopic/PublishToTopic): components on the device.</summary>
    Local,

    /// <summary>AWS IoT Core through the nucleus (SubscribeToIoTCore/PublishToIoTCore): cloud or broker clients.</summary>
    IoTCore,

    /// <summary>Both; each request is answered on the side it came from.</summary>
    Both,
}

public static class IpcTargetExtensions
{
    public static bool ServesLocal(this IpcTarget target) => target is IpcTarget.Local or IpcTarget.Both;

    public static bool ServesIoTCore(this IpcTarget target) => target is IpcTarget.IoTCore or IpcTarget.Both;

    /// <summary>The name configuration uses (<c>local</c>, <c>iotcore</c>, <c>both</c>).</summary>
    public static string ToConfigName(this IpcTarget target) => target.ToString().ToLowerInvariant();
}
