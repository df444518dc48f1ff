namespace EdgeInference.Worker.Options;

/// <summary>Root-level keys: who this worker is and how requests reach it.</summary>
public sealed record WorkerOptions
{
    /// <summary>Default: env AWS_IOT_THING_NAME (set by Greengrass), else <c>local</c>.</summary>
    public string? ThingName { get; set; }

    /// <summary><c>auto</c> (IPC when the Greengrass environment is present, else MQTT), <c>ipc</c> or <c>mqtt</c>.</summary>
    public TransportKind Transport { get; set; } = TransportKind.Auto;

    public string EffectiveThingName =>
        !string.IsNullOrWhiteSpace(ThingName) ? ThingName
        : Environment.GetEnvironmentVariable("AWS_IOT_THING_NAME") is { Length: > 0 } fromGreengrass ? fromGreengrass
        : "local";
}

/// <summary>The <c>Transport</c> key.</summary>
public enum TransportKind
{
    Auto,
    Ipc,
    Mqtt,
}
