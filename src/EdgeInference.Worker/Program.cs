using EdgeInference.Onnx;
using EdgeInference.Worker.Configuration;
using EdgeInference.Worker.Heads.Ipc;
using EdgeInference.Worker.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// The edge inference worker: appsettings.json, environment (EDGEINFERENCE_ prefix and plain), the component
// configuration from the Greengrass nucleus (under Greengrass), and --Section:Key=value command-line arguments
// (which win) configure it; see README for every key.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Configuration.AddEnvironmentVariables("EDGEINFERENCE_");

try
{
    var ipcOptions = TransportSelection.BindIpcOptions(builder.Configuration);
    var transport = builder.Configuration["Transport"];
    if (TransportSelection.IsGreengrassEnvironment(ipcOptions) && !string.Equals(transport, TransportSelection.Mqtt, StringComparison.OrdinalIgnoreCase))
    {
        // Loads at once: GetConfiguration over IPC; an unreachable nucleus stops the worker here with a clear message.
        ((Microsoft.Extensions.Configuration.IConfigurationBuilder)builder.Configuration).Add(new GreengrassConfigurationSource { IpcOptions = ipcOptions });
    }

    builder.Configuration.AddCommandLine(args);
    builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
    builder.Services.AddEdgeInferenceWorker(builder.Configuration);

    using var host = builder.Build();
    await host.RunAsync().ConfigureAwait(false);
    return 0;
}
catch (OperationCanceledException)
{
    // Stopped (SIGTERM/Ctrl+C) while still starting: nothing was serving, nothing is lost.
    return WorkerExitCodes.Success;
}
catch (OptionsValidationException ex)
{
    return Fail(WorkerExitCodes.InvalidConfiguration, "Invalid configuration", ex.Failures);
}
catch (InvalidOperationException ex) when (ex.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase) || ex.InnerException is FormatException)
{
    return Fail(WorkerExitCodes.InvalidConfiguration, "Invalid configuration", [ex.Message]);
}
catch (ModelPackageException ex)
{
    return Fail(WorkerExitCodes.ModelUnusable, "The model package cannot be served", [ex.Message]);
}
catch (AcceleratorUnavailableException ex)
{
    return Fail(WorkerExitCodes.AcceleratorUnavailable, "The requested accelerator is unavailable", [ex.Message]);
}
catch (Exception ex) when (ex is WorkerStartupException or EdgeInference.Worker.Heads.Mqtt.MqttHeadException or IpcHeadException or GreengrassConfigurationException or TypeInitializationException or DllNotFoundException)
{
    var reason = ex is TypeInitializationException { InnerException: { } inner } ? $"{ex.Message} {inner.Message}" : ex.Message;
    if (reason.Contains("libgtk-3", StringComparison.Ordinal) || reason.Contains("OpenCvSharpExtern", StringComparison.Ordinal))
    {
        reason += " — OpenCV's native library or one of its dependencies is missing: on Debian/Ubuntu run 'apt-get install -y libgtk-3-0'; on arm64 build or install libOpenCvSharpExtern.so.";
    }

    return Fail(WorkerExitCodes.StartupFailed, "The worker could not start", [reason]);
}

static int Fail(int code, string title, IEnumerable<string> reasons)
{
    Console.Error.WriteLine($"edge-inference worker: {title}:");
    foreach (var reason in reasons)
    {
        Console.Error.WriteLine($"  - {reason}");
    }

    return code;
}
