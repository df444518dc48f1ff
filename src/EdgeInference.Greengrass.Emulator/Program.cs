using System.CommandLine;
using System.Runtime.InteropServices;
using EdgeInference.Greengrass.Emulator.Cli;

// Ctrl+C / SIGTERM cancel the run, which then stops every component (Shutdown, SIGTERM, SIGKILL after the grace
// period) and removes its working folders. The signals are handled here, with no time limit: System.CommandLine's own
// handling would end the process two seconds later, halfway through stopping the components.
using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
return await EmulatorCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, stop.Token);
