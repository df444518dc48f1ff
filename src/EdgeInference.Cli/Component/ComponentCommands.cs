using System.CommandLine;

namespace EdgeInference.Cli.Component;

/// <summary>GDK-style component build, publish and local deployment.</summary>
internal static class ComponentCommands
{
    public static IEnumerable<Command> Create() => [];
}
