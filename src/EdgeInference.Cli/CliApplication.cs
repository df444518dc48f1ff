using System.CommandLine;
using System.CommandLine.Invocation;
using EdgeInference.Cli.Commands.Client;
using EdgeInference.Cli.Commands.Component;
using EdgeInference.Cli.Commands.LookoutVision;
using EdgeInference.Cli.Commands.Packaging;

namespace EdgeInference.Cli;

/// <summary>The <c>edge-inference</c> command tree and its exit-code contract (README: 4 for bad arguments).</summary>
internal static class CliApplication
{
    /// <summary>Parse errors: an unknown command or option, a missing required option, a value that does not convert or validate.</summary>
    public const int ExitBadArguments = ClientCommands.ExitBadArguments;

    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("edge-inference: train anomaly models the Lookout for Vision way, package ONNX vision models as Greengrass components, publish them, and talk to the on-device worker.");
        foreach (var command in ClientCommands.Create().Concat(PackagingCommands.Create()).Concat(LookoutVisionCommands.Create()).Concat(ComponentCommands.Create()))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; a parse error prints the errors and the help (as System.CommandLine does) and exits 4, not 1.</summary>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        var parse = CreateRoot().Parse(args);
        var exitCode = await parse.InvokeAsync(configuration ?? new InvocationConfiguration(), cancellationToken).ConfigureAwait(false);
        return parse.Action is ParseErrorAction ? ExitBadArguments : exitCode;
    }
}
