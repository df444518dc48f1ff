using EdgeInference.Components.Build;
using EdgeInference.Testing.Components;
using Xunit;

namespace EdgeInference.Components.Tests.Build;

/// <summary>Builds a <see cref="ComponentTestProject"/> from its fake publish folders with <see cref="ComponentBuilder"/>.</summary>
internal static class ComponentTestProjectBuilds
{
    public static Task<ComponentBuildResult> BuildAsync(this ComponentTestProject project, TextWriter? log = null, params string[] rids) =>
        ComponentBuilder.BuildAsync(
            new ComponentBuildSettings(project.ConfigPath, rids, SkipDotnetPublish: true, PublishDirectory: project.PublishDirectory),
            log ?? TextWriter.Null,
            TestContext.Current.CancellationToken);
}
