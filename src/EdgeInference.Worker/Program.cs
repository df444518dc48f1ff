using EdgeInference.Worker.Hosting;

// The edge inference worker: appsettings.json, environment (EDGEINFERENCE_ prefix and plain), the component
// configuration from the Greengrass nucleus (under Greengrass), and --Section:Key=value command-line arguments
// (which win) configure it; `--help` lists the keys; `models register|unregister|list` is what model components run.
return await WorkerProgram.RunAsync(args).ConfigureAwait(false);
