using Xunit;

namespace EdgeInference.Cli.Tests.Aws;

/// <summary>A clock pinned at one instant (for signatures that must equal another tool's).</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
