using System.Reflection;

namespace EdgeInference.Worker.Status;

/// <summary>The worker's own version (informational version without the build metadata).</summary>
public static class WorkerVersion
{
    public static readonly string Current =
        typeof(WorkerVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
