using EdgeInference.Components.Gdk;
using Xunit;

namespace EdgeInference.Components.Tests.Gdk;

public sealed class ComponentVersionMathTests
{
    [Theory]
    [InlineData(new string[0], "1.0.0")]
    [InlineData(new[] { "1.0.0" }, "1.0.1")]
    [InlineData(new[] { "1.0.9", "1.0.10", "1.0.2" }, "1.0.11")]
    [InlineData(new[] { "2.0.0", "10.1.0", "9.9.9" }, "10.1.1")]
    [InlineData(new[] { "not-a-version", "1.2.3-beta.1" }, "1.2.4")]
    public void NextPatch_ExistingVersions_BumpsLatestPatch(string[] existing, string expected) =>
        Assert.Equal(expected, ComponentVersionMath.NextPatch(existing));
}
