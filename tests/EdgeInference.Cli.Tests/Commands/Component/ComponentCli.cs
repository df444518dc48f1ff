using System.CommandLine;
using EdgeInference.Cli.Commands.Component;
using EdgeInference.Testing.Components;
using Xunit;

namespace EdgeInference.Cli.Tests.Commands.Component;

/// <summary>Runs the CLI's component commands in-process; returns exit code, stdout and stderr.</summary>
internal static class ComponentCli
{
    public static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var command in ComponentCommands.Create())
        {
            root.Subcommands.Add(command);
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary><c>component build</c> of the project from its fake publish folders.</summary>
    public static Task<(int ExitCode, string Output, string Error)> BuildAsync(this ComponentTestProject project, params string[] extra) =>
        InvokeAsync(project.BuildArguments(extra));
}
