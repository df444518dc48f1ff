using System.ComponentModel.DataAnnotations;
using EdgeInference.EventStream;

namespace EdgeInference.Greengrass.Ipc;

/// <summary>
/// Connection settings for <see cref="GreengrassIpcClient"/>. The socket path and token default to the variables the
/// nucleus sets for every component process, like the AWS SDKs' default connection config.
/// </summary>
public sealed class GreengrassIpcOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "GreengrassIpc";

    /// <summary>The variable holding the socket path (absolute, or relative to the component's working directory).</summary>
    public const string SocketPathVariable = "AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT";

    /// <summary>The variable holding the component's IPC auth token.</summary>
    public const string AuthTokenVariable = "SVCUID";

    /// <summary>Path of the nucleus IPC socket.</summary>
    /// <value>Defaults to <c>$AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT</c>.</value>
    [Required(ErrorMessage = "SocketPath is required (AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT is not set: is this running under Greengrass?).")]
    public string? SocketPath { get; set; } = Environment.GetEnvironmentVariable(SocketPathVariable);

    /// <summary>The component's IPC token, sent in CONNECT.</summary>
    /// <value>Defaults to <c>$SVCUID</c>.</value>
    [Required(ErrorMessage = "AuthToken is required (SVCUID is not set: is this running under Greengrass?).")]
    public string? AuthToken { get; set; } = Environment.GetEnvironmentVariable(AuthTokenVariable);

    /// <summary>Time allowed for socket connect plus handshake.</summary>
    /// <value>Defaults to 10 s (the Python SDK's default).</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for each operation's response (in addition to the caller's token).</summary>
    /// <value>Defaults to 30 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Reconnect and resubscribe after the connection drops.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool AutoReconnect { get; set; } = true;

    /// <summary>First reconnect delay; doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>.</summary>
    /// <value>Defaults to 500 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest reconnect delay.</summary>
    /// <value>Defaults to 30 s.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Events buffered per subscription before the oldest are dropped (never blocks the connection).</summary>
    /// <value>Defaults to 1024.</value>
    [Range(1, 1_000_000)]
    public int SubscriptionBufferCapacity { get; set; } = 1024;

    /// <summary>Largest frame sent or accepted.</summary>
    /// <value>Defaults to 16 MiB, the limit most nucleus releases enforce.</value>
    [Range(EventStreamCodec.MinimumMessageSize, 256 * 1024 * 1024)]
    public int MaxMessageSize { get; set; } = EventStreamOptions.DefaultMaxMessageSize;

    /// <summary>Options with the environment defaults (the same as <c>new GreengrassIpcOptions()</c>).</summary>
    public static GreengrassIpcOptions FromEnvironment() => new();

    /// <summary>Checks every rule; throws one <see cref="ValidationException"/> listing all problems.</summary>
    public void Validate()
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        if (ReconnectMinDelay > ReconnectMaxDelay)
        {
            results.Add(new ValidationResult("ReconnectMinDelay must not exceed ReconnectMaxDelay.", [nameof(ReconnectMinDelay)]));
        }

        if (results.Count > 0)
        {
            throw new ValidationException("Invalid GreengrassIpcOptions: " + string.Join(" ", results.Select(r => r.ErrorMessage)));
        }
    }

    /// <summary>
    /// The frame limits, with frames rented from the shared pool: the client copies out of every frame what it keeps
    /// and hands the frame back (a 230 KB image arrives in a ~310 KB frame: garbage for the large object heap otherwise).
    /// </summary>
    internal EventStreamOptions ToFrameOptions() => new() { MaxMessageSize = MaxMessageSize, FramePool = System.Buffers.ArrayPool<byte>.Shared };
}
