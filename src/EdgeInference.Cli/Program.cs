using EdgeInference.Cli;

// edge-inference: the command tree lives in CliApplication (exit code 4 for bad arguments, as the README promises).
return await CliApplication.InvokeAsync(args).ConfigureAwait(false);
