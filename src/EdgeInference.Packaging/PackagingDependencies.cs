using EdgeInference.Components.Publish;
using EdgeInference.Packaging.Jobs;

namespace EdgeInference.Packaging;

/// <summary>What the packaging commands need from outside: the clock, the publisher and how to run a job in the background.</summary>
public sealed record PackagingDependencies
{
    public static PackagingDependencies Default { get; } = new();

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public Func<PublishEndpoints, string, IComponentPublisher> PublisherFactory { get; init; } = ComponentPublisherFactory.Create;

    public IDetachedJobLauncher JobLauncher { get; init; } = new ProcessJobLauncher();
}
