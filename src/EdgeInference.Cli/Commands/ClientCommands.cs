using System.CommandLine;

namespace EdgeInference.Cli.Commands;

/// <summary>Commands that talk to a running worker: infer, describe, bench.</summary>
internal static class ClientCommands
{
    public static IEnumerable<Command> Create() => [];
}
