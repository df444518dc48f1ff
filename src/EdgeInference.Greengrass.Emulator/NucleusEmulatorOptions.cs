using System.ComponentModel.DataAnnotations;
using EdgeInference.EventStream;

namespace EdgeInference.Greengrass.Emulator;

/// <summary>Settings of a <see cref="NucleusEmulator"/>.</summary>
public sealed class NucleusEmulatorOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "NucleusEmulator";

    /// <summary>Longest Unix socket path the kernel accepts (sun_path, including the terminator).</summary>
    public const int MaxSocketPathLength = 107;

    /// <summary>Path of the IPC Unix domain socket to listen on (an existing file there is replaced).</summary>
    [Required]
    public string SocketPath { get; set; } = string.Empty;

    /// <summary>The core device's thing name (<c>AWS_IOT_THING_NAME</c>, <c>{iot:thingName}</c>).</summary>
    /// <value>Defaults to <c>emulated-core</c>.</value>
    [Required]
    public string ThingName { get; set; } = "emulated-core";

    /// <summary>AWS region given to components (<c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>).</summary>
    /// <value>Defaults to <c>us-east-1</c>.</value>
    [Required]
    public string Region { get; set; } = "us-east-1";

    /// <summary>Root CA file path given to components (<c>GG_ROOT_CA_PATH</c>); empty when unset, as on a device without one.</summary>
    public string RootCaPath { get; set; } = string.Empty;

    /// <summary>Nucleus version reported to components (<c>GGC_VERSION</c>).</summary>
    /// <value>Defaults to 2.14.0.</value>
    public string NucleusVersion { get; set; } = "2.14.0";

    /// <summary>MQTT broker standing in for AWS IoT Core; null: PublishToIoTCore/SubscribeToIoTCore answer ServiceError.</summary>
    public string? MqttHost { get; set; }

    /// <summary>MQTT broker port.</summary>
    /// <value>Defaults to 1883.</value>
    [Range(1, 65535)]
    public int MqttPort { get; set; } = 1883;

    /// <summary>MQTT client id of the bridge.</summary>
    /// <value>Defaults to the thing name, as the nucleus does.</value>
    public string? MqttClientId { get; set; }

    /// <summary>Time allowed to connect to the broker and for each MQTT publish/subscribe.</summary>
    /// <value>Defaults to 10 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan MqttTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest event-stream frame accepted or sent.</summary>
    /// <value>Defaults to 16 MiB.</value>
    [Range(EventStreamCodec.MinimumMessageSize, 256 * 1024 * 1024)]
    public int MaxMessageSize { get; set; } = EventStreamOptions.DefaultMaxMessageSize;

    /// <summary>Checks every rule; throws one <see cref="ValidationException"/> listing all problems.</summary>
    public void Validate()
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        if (System.Text.Encoding.UTF8.GetByteCount(SocketPath) > MaxSocketPathLength)
        {
            results.Add(new ValidationResult($"SocketPath must be at most {MaxSocketPathLength} bytes (Unix socket limit).", [nameof(SocketPath)]));
        }

        if (results.Count > 0)
        {
            throw new ValidationException("Invalid NucleusEmulatorOptions: " + string.Join(" ", results.Select(r => r.ErrorMessage)));
        }
    }
}
