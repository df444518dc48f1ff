using Xunit;

namespace EdgeInference.Testing.Aws;

/// <summary>A clock pinned at one instant (for signatures that must equal another tool's).</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
