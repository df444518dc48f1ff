using System.CommandLine;
using EdgeInference.Greengrass.Emulator.Cli;

return await EmulatorCommand.Create().Parse(args).InvokeAsync();
