using System.CommandLine;
using EdgeInference.Cli.Commands.Packaging;
using EdgeInference.Packaging;
using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.Cli.Tests.Commands.Packaging;

/// <summary>Runs the packaging commands in-process with captured stdout and stderr.</summary>
internal sealed class PackagingCli(string storeRoot, PackagingDependencies dependencies)
{
    public PackagingDependencies Dependencies { get; } = dependencies;

    public async Task<CliResult> RunAsync(params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var command in PackagingCommands.Create(Dependencies))
        {
            root.Subcommands.Add(command);
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var withStore = args.Length > 0 && args[0] != "--help" ? [.. args, "--store", storeRoot] : args;
        var exitCode = await root.Parse(withStore).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
