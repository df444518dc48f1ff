using System.CommandLine;
using EdgeInference.Packaging;

namespace EdgeInference.Cli.Commands.LookoutVision;

/// <summary>Lookout for Vision's project/dataset/model workflow on this machine (create-model and list-models live with the packaging commands).</summary>
internal static class LookoutVisionCommands
{
    public static IEnumerable<Command> Create() => Create(PackagingDependencies.Default);

    public static IEnumerable<Command> Create(PackagingDependencies dependencies) =>
        ProjectCommands.Create(dependencies)
            .Concat(DatasetCommands.Create(dependencies))
            .Concat(ModelLifecycleCommands.Create(dependencies))
            .Concat(EvaluationCommands.Create(dependencies));
}
