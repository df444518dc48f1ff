using System.CommandLine;

namespace EdgeInference.Cli.Packaging;

/// <summary>Lookout-for-Vision-compatible model registry and packaging jobs.</summary>
internal static class PackagingCommands
{
    public static IEnumerable<Command> Create() => [];
}
