using System.CommandLine;
using EdgeInference.LookoutVision.Api;
using EdgeInference.LookoutVision.Datasets;
using EdgeInference.Packaging;

namespace EdgeInference.Cli.Commands.Packaging;

/// <summary><c>edge-inference lookoutvision-api</c>: serve the local store on Lookout for Vision's REST routes.</summary>
internal static class LookoutVisionApiCommand
{
    public static Command Create(PackagingDependencies dependencies)
    {
        var store = CommandSupport.StoreOption();
        var run = new JobRunOptions();
        var port = new Option<int>("--port") { Description = "TCP port (0 = any free port).", DefaultValueFactory = _ => 0 };
        var host = new Option<string>("--host") { Description = "Address to listen on (loopback by default).", DefaultValueFactory = _ => "127.0.0.1" };
        var command = new Command(
            PackagingCommandNames.LookoutVisionApi,
            "Serve Lookout for Vision's REST routes (projects, datasets from S3 manifests, create-model training in the background, "
            + "describe/list/delete-model, start/stop-model, detect-anomalies, model packaging jobs) for "
            + "`aws lookoutvision ... --endpoint-url URL`. Prints the bound URL when ready; runs until Ctrl+C. Jobs run in the background.")
        {
            store, port, host,
        };
        run.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, "LookoutVisionApi", async () =>
        {
            var settings = run.Read(parseResult, outputDirectory: null);
            var s3Endpoint = parseResult.GetValue(run.S3EndpointUrl);
            var region = parseResult.GetValue(run.Region);
            var s3 = s3Endpoint is null && region is null ? null : new S3Settings(region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1", s3Endpoint);
            await using var api = await LookoutVisionApiHost.StartAsync(
                parseResult.GetValue(host)!, parseResult.GetValue(port), CommandSupport.OpenStore(parseResult, store), settings, dependencies, cancellationToken, s3).ConfigureAwait(false);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(api.Url.ToString().TrimEnd('/')).ConfigureAwait(false);
            await parseResult.InvocationConfiguration.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        }));
        return command;
    }
}
