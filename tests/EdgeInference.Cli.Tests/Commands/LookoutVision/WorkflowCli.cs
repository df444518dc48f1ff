using System.CommandLine;
using EdgeInference.Cli.Commands.Client;
using EdgeInference.Cli.Commands.LookoutVision;
using EdgeInference.Cli.Commands.Packaging;
using EdgeInference.Packaging;
using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.Cli.Tests.Commands.LookoutVision;

/// <summary>Runs every command the way `edge-inference` does (in-process, captured stdout and stderr), against one store.</summary>
internal sealed class WorkflowCli(string storeRoot, PackagingDependencies dependencies)
{
    private static readonly HashSet<string> StorelessCommands = ["infer", "describe", "bench", "make-synthetic-dataset", "anomaly-bench"];

    public async Task<CliResult> RunAsync(params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var command in PackagingCommands.Create(dependencies).Concat(LookoutVisionCommands.Create(dependencies)).Concat(ClientCommands.Create()))
        {
            root.Subcommands.Add(command);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] withStore = StorelessCommands.Contains(args[0]) ? args : [.. args, "--store", storeRoot];
        var exitCode = await root.Parse(withStore).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
