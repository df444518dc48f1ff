using EdgeInference.Greengrass.Emulator.Artifacts;
using EdgeInference.Greengrass.Emulator.Tes;

namespace EdgeInference.Greengrass.Emulator.Deployments;

/// <summary>How a <see cref="Deployment"/> lays out and runs its components.</summary>
public sealed class DeploymentOptions
{
    /// <summary>The emulated Greengrass root (<c>{kernel:rootPath}</c>): <c>packages/artifacts</c>, <c>packages/artifacts-unarchived</c>, <c>work</c>.</summary>
    public required string RootPath { get; init; }

    /// <summary>Platform attributes for manifest selection; this machine's when null.</summary>
    public IReadOnlyDictionary<string, string>? Platform { get; init; }

    /// <summary>Bounds on unpacking ZIP artifacts.</summary>
    public ArchiveLimits ArchiveLimits { get; init; } = ArchiveLimits.Default;

    /// <summary>Time a stopped process gets between SIGTERM and SIGKILL.</summary>
    /// <value>Defaults to 5 s, as the nucleus's Exec.close.</value>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long errors count towards BROKEN (the nucleus's <c>errorResetTime</c>).</summary>
    /// <value>Defaults to one hour.</value>
    public TimeSpan ErrorResetTime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>What the token exchange service hands out; null: this process's AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN.</summary>
    public TesCredentials? TesCredentials { get; init; }
}
