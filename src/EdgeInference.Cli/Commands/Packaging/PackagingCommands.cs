using System.CommandLine;
using EdgeInference.Packaging;

namespace EdgeInference.Cli.Commands.Packaging;

/// <summary>Lookout-for-Vision-compatible model registry and packaging jobs.</summary>
internal static class PackagingCommands
{
    public static IEnumerable<Command> Create() => Create(PackagingDependencies.Default);

    public static IEnumerable<Command> Create(PackagingDependencies dependencies) =>
    [
        ModelCommands.CreateModel(dependencies),
        ModelCommands.ListModels(dependencies),
        JobCommands.Start(dependencies),
        JobCommands.Describe(dependencies),
        JobCommands.List(dependencies),
        JobCommands.Run(dependencies),
        LookoutVisionApiCommand.Create(dependencies),
    ];
}
