using System.CommandLine;
using EdgeInference.Greengrass.Emulator.Cli;

// Ctrl+C / SIGTERM cancel the run, which then stops every component (Shutdown, SIGTERM, SIGKILL after the grace
// period) and removes its working folders: no time limit from the command-line library may cut that short.
return await EmulatorCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
