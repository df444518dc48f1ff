using System.CommandLine;
using EdgeInference.LookoutVision.Api;
using EdgeInference.LookoutVision.Api.Security;
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
            + "`aws lookoutvision ... --endpoint-url URL`. Every request must be SigV4-signed with the AWS credentials of this "
            + "environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else the AWS_PROFILE or default profile); without any, a key pair "
            + "is generated and printed. Prints the bound URL when ready; runs until Ctrl+C. Jobs run in the background.")
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
            var credentials = ApiCredentials.Resolve(Environment.GetEnvironmentVariable);
            var security = new ApiSecurity { Credentials = credentials };
            await using var api = await LookoutVisionApiHost.StartAsync(
                parseResult.GetValue(host)!, parseResult.GetValue(port), CommandSupport.OpenStore(parseResult, store), settings, dependencies, security, cancellationToken, s3).ConfigureAwait(false);
            var output = parseResult.InvocationConfiguration.Output;
            await output.WriteLineAsync(api.Url.ToString().TrimEnd('/')).ConfigureAwait(false);
            if (credentials.Generated)
            {
                // No AWS credentials here: clients sign with this pair (it lives only as long as this process).
                await output.WriteLineAsync("# No AWS credentials configured: sign requests with this generated key pair (any region):").ConfigureAwait(false);
                await output.WriteLineAsync($"export AWS_ACCESS_KEY_ID={credentials.AccessKeyId} AWS_SECRET_ACCESS_KEY={credentials.SecretAccessKey}").ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync($"# Requests must be signed with access key {credentials.AccessKeyId} ({credentials.Source}).").ConfigureAwait(false);
            }

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
