using System.CommandLine;
using EdgeInference.Worker.Greengrass;
using EdgeInference.Worker.Models.Repository;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Worker.Hosting;

/// <summary>The worker's entry point: the host, or one of its small commands.</summary>
public static class WorkerProgram
{
    /// <summary>The generic host's own log category (start/stop failures).</summary>
    internal const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default) =>
        RunAsync(args, Console.Out, Console.Error, cancellationToken);

    /// <summary>
    /// <c>--help</c> and <c>--version</c> are answered wherever they stand and never reach the configuration (whose
    /// command-line provider would take the next argument as their value); <c>models …</c> runs that command; anything
    /// else runs the host.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is ["models", ..])
        {
            return await RunModelsCommandAsync(args, output, error, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }

        if (args.Any(a => a is "--help" or "-h" or "-?" or "help"))
        {
            await output.WriteAsync(WorkerHelp.Text).ConfigureAwait(false);
            return WorkerExitCodes.Success;
        }

        if (args.Any(a => a is "--version"))
        {
            await output.WriteLineAsync(WorkerVersion.Current).ConfigureAwait(false);
            return WorkerExitCodes.Success;
        }

        return await RunHostAsync(args, error, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>models register|unregister|list</c>, writing to the given streams.</summary>
    public static async Task<int> RunModelsCommandAsync(string[] args, TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("edge inference worker") { ModelsCommand.Create(time) };
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> RunHostAsync(string[] args, TextWriter error, CancellationToken cancellationToken)
    {
        NativeMemoryTuning.LimitMallocArenas();
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = args,
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Configuration.AddEnvironmentVariables("EDGEINFERENCE_");
            var ipcOptions = builder.Configuration.GetSection(EdgeInference.Greengrass.Ipc.GreengrassIpcOptions.SectionName).Get<EdgeInference.Greengrass.Ipc.GreengrassIpcOptions>()
                ?? new EdgeInference.Greengrass.Ipc.GreengrassIpcOptions();
            if (WorkerTransport.IsGreengrassEnvironment(ipcOptions) && !string.Equals(builder.Configuration["Transport"], "mqtt", StringComparison.OrdinalIgnoreCase))
            {
                // Loads at once: GetConfiguration over IPC; an unreachable nucleus stops the worker here with a clear message.
                ((IConfigurationBuilder)builder.Configuration).Add(new GreengrassConfigurationSource { IpcOptions = ipcOptions });
            }

            builder.Configuration.AddCommandLine(args);
            // A start failure the worker classifies is printed below as one plain message (key to change, exit code); the
            // host's own "Hosting failed to start" error would repeat it with a stack trace. Critical stays (a faulted
            // background service stopping the host).
            builder.Logging.AddFilter(HostCategory, LogLevel.Critical);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
            builder.Services.AddEdgeInferenceWorker(builder.Configuration);
            // The worker process only (not hosts built by tests): bounded memory under floods (BENCHMARKS.md: bench flood).
            builder.Services.AddSingleton<IManagedHeap, GcManagedHeap>();
            builder.Services.AddHostedService<HeapGovernor>();

            using var host = builder.Build();
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return WorkerExitCodes.Success;
        }
        catch (OperationCanceledException)
        {
            // Stopped (SIGTERM/Ctrl+C) while still starting: nothing was serving, nothing is lost.
            return WorkerExitCodes.Success;
        }
        catch (Exception ex) when (StartupFailure.Classify(ex) is { } failure)
        {
            await error.WriteLineAsync($"edge-inference worker: {failure.Title}:").ConfigureAwait(false);
            foreach (var reason in failure.Reasons)
            {
                await error.WriteLineAsync($"  - {reason}").ConfigureAwait(false);
            }

            return failure.ExitCode;
        }
    }
}
