using EdgeInference.Cli.Component;
using EdgeInference.Cli.Packaging.Jobs;

namespace EdgeInference.Cli.Packaging;

/// <summary>What the packaging commands need from outside: the clock, the publisher and how to run a job in the background.</summary>
internal sealed record PackagingDependencies
{
    public static PackagingDependencies Default { get; } = new();

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public Func<PublishEndpoints, string, IComponentPublisher> PublisherFactory { get; init; } = ComponentPublisherFactory.Create;

    public IDetachedJobLauncher JobLauncher { get; init; } = new ProcessJobLauncher();
}
