namespace EdgeInference.Worker.Options;

/// <summary>The <c>Mqtt</c> section: the broker the worker serves on (empty Host: an embedded broker).</summary>
public sealed record MqttOptions
{
    public const string SectionName = "Mqtt";

    /// <summary>Broker host; empty starts the embedded MQTTnet broker.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 1883;

    /// <summary>Address the embedded broker listens on (loopback unless you open it up).</summary>
    public string EmbeddedBindAddress { get; set; } = "127.0.0.1";

    /// <summary>Default: <c>edge-inference-{ThingName}</c>; <c>{ThingName}</c> is replaced.</summary>
    public string? ClientId { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public MqttTlsOptions Tls { get; set; } = new();

    /// <summary>Subscribe to requests through <c>$share/&lt;group&gt;/</c> so several workers split the load.</summary>
    public string? SharedGroup { get; set; }

    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>
    /// How long the broker keeps the worker's session (its subscriptions and the QoS 1 requests not yet acknowledged)
    /// while the worker is disconnected; 0: a clean session on every connect (requests sent meanwhile are lost).
    /// </summary>
    public long SessionExpirySeconds { get; set; } = 3600;

    /// <summary>Socket buffer size; MQTTnet's 8 KB default stalls large image publishes.</summary>
    public int BufferSize { get; set; } = 64 * 1024;

    public bool UsesEmbeddedBroker => string.IsNullOrWhiteSpace(Host);

    public string EffectiveClientId(string thingName) =>
        (string.IsNullOrWhiteSpace(ClientId) ? "edge-inference-{ThingName}" : ClientId).Replace(TopicOptions.ThingNameToken, thingName, StringComparison.Ordinal);
}

/// <summary>TLS and mutual TLS, as AWS IoT Core and Greengrass client-device brokers need.</summary>
public sealed record MqttTlsOptions
{
    public bool Enabled { get; set; }

    /// <summary>PEM file of the CA(s) that sign the broker's certificate (e.g. AmazonRootCA1.pem).</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate (mutual TLS).</summary>
    public string? CertFile { get; set; }

    /// <summary>PEM private key of <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; set; }
}
