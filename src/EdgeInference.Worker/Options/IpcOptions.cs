namespace EdgeInference.Worker.Options;

/// <summary>The <c>Ipc</c> section: which Greengrass IPC messaging the IPC head serves on.</summary>
public sealed class IpcOptions
{
    public const string SectionName = "Ipc";

    /// <summary>Local pub/sub (SubscribeToTopic/PublishToTopic).</summary>
    public const string LocalTarget = "local";

    /// <summary>AWS IoT Core through the nucleus (SubscribeToIoTCore/PublishToIoTCore).</summary>
    public const string IoTCoreTarget = "iotcore";

    public static readonly string[] Targets = [LocalTarget, IoTCoreTarget];

    /// <summary><c>local</c> or <c>iotcore</c>.</summary>
    public string Target { get; set; } = LocalTarget;

    public bool UsesIoTCore => string.Equals(Target, IoTCoreTarget, StringComparison.OrdinalIgnoreCase);
}
