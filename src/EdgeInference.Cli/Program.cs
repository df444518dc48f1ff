using System.CommandLine;
using EdgeInference.Cli.Commands.Client;
using EdgeInference.Cli.Commands.Component;
using EdgeInference.Cli.Commands.LookoutVision;
using EdgeInference.Cli.Commands.Packaging;

var root = new RootCommand("edge-inference: train anomaly models the Lookout for Vision way, package ONNX vision models as Greengrass components, publish them, and talk to the on-device worker.");
foreach (var command in ClientCommands.Create())
{
    root.Subcommands.Add(command);
}

foreach (var command in PackagingCommands.Create())
{
    root.Subcommands.Add(command);
}

foreach (var command in LookoutVisionCommands.Create())
{
    root.Subcommands.Add(command);
}

foreach (var command in ComponentCommands.Create())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
