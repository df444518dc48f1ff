using System.CommandLine;
using EdgeInference.Aws;
using EdgeInference.Components;
using EdgeInference.Components.Build;
using EdgeInference.Components.Deployment;
using EdgeInference.Components.Gdk;
using EdgeInference.Components.Publish;
using EdgeInference.Greengrass.Recipes;

namespace EdgeInference.Cli.Commands.Component;

/// <summary>GDK-style component build, publish and local deployment.</summary>
internal static class ComponentCommands
{
    public static IEnumerable<Command> Create()
    {
        var component = new Command("component", "Build and publish the worker's Greengrass component (like 'gdk component build|publish').");
        component.Subcommands.Add(CreateBuild());
        component.Subcommands.Add(CreatePublish());
        return [component, CreateDeployLocal()];
    }

    private static Option<string> ConfigOption() => new("--config")
    {
        Description = "The gdk-config.json of the project (its folder is the project root).",
        DefaultValueFactory = _ => GdkConfig.FileName,
    };

    private static Command CreateBuild()
    {
        var config = ConfigOption();
        var rids = new Option<string[]>("--rid")
        {
            Description = "Runtime identifier(s) to build (repeatable; default linux-x64 and linux-arm64).",
            AllowMultipleArgumentsPerToken = true,
        };
        var variants = new Option<string[]>("--variant")
        {
            Description = "cpu (default) and/or gpu (repeatable): gpu also builds edge-inference-worker-linux-x64-gpu.zip with ONNX Runtime's CUDA and TensorRT providers (restores the ~245 MB Microsoft.ML.OnnxRuntime.Gpu.Linux package), picked by devices whose nucleus declares platformOverride accelerator: nvidia.",
            AllowMultipleArgumentsPerToken = true,
        };
        variants.AcceptOnlyFromAmong("cpu", "gpu");
        var skipPublish = new Option<bool>("--skip-dotnet-publish") { Description = "Use an existing publish folder (--publish-dir) instead of running dotnet publish." };
        var publishDir = new Option<string?>("--publish-dir") { Description = "With --skip-dotnet-publish: a folder per RID (DIR/RID/) or one folder for every RID." };
        var recipe = new Option<string?>("--recipe") { Description = "Recipe template (default recipe.yaml or recipe.json in the project folder, where GDK reads it)." };
        var workerProject = new Option<string?>("--worker-project") { Description = "The worker project to publish (default src/EdgeInference.Worker)." };
        var output = new Option<string?>("--output") { Description = "Build folder (default greengrass-build next to gdk-config.json); a folder holding anything but recipes/ and artifacts/ is refused." };
        var command = new Command("build", "Publish the worker self-contained per RID, zip it, render the recipe and write GDK's layout (greengrass-build/recipes/recipe.yaml, greengrass-build/artifacts/NAME/VERSION/); zips of other RIDs are kept.")
        {
            config, rids, variants, skipPublish, publishDir, recipe, workerProject, output,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = new ComponentBuildSettings(
                parseResult.GetValue(config)!,
                parseResult.GetValue(rids) ?? [],
                parseResult.GetValue(recipe),
                parseResult.GetValue(skipPublish),
                parseResult.GetValue(publishDir),
                parseResult.GetValue(workerProject),
                parseResult.GetValue(output),
                parseResult.GetValue(variants) ?? []);
            return await RunAsync(parseResult, async (stdout, stderr) =>
            {
                var result = await ComponentBuilder.BuildAsync(settings, stderr, cancellationToken).ConfigureAwait(false);
                await stdout.WriteLineAsync(result.RecipeFile).ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static Command CreatePublish()
    {
        var config = ConfigOption();
        var bucket = new Option<string?>("--bucket") { Description = "Bucket (prefix): the real bucket is BUCKET-REGION-ACCOUNT like GDK, unless --bucket-verbatim." };
        var verbatim = new Option<bool>("--bucket-verbatim") { Description = "Use the bucket name exactly as given." };
        var region = new Option<string?>("--region") { Description = "AWS region (default: gdk-config publish.region, then AWS_REGION)." };
        var endpoint = new Option<string?>("--endpoint-url") { Description = "GreengrassV2 endpoint (default https://greengrass.REGION.amazonaws.com)." };
        var s3Endpoint = new Option<string?>("--s3-endpoint-url") { Description = "S3 endpoint (emulators, VPC endpoints)." };
        var stsEndpoint = new Option<string?>("--sts-endpoint-url") { Description = "STS endpoint." };
        var pathStyle = new Option<bool>("--s3-force-path-style") { Description = "Address buckets as ENDPOINT/BUCKET (on by default with --s3-endpoint-url)." };
        var buildDir = new Option<string?>("--build-dir") { Description = "The build folder (default greengrass-build next to gdk-config.json)." };
        var clientToken = new Option<string?>("--client-token") { Description = "CreateComponentVersion idempotency token (default: a new GUID)." };
        var waitSeconds = new Option<int>("--wait-seconds")
        {
            Description = "How long to wait for the version to become DEPLOYABLE.",
            DefaultValueFactory = _ => (int)ComponentPublisherOptions.Default.PollTimeout.TotalSeconds,
        };
        var command = new Command("publish", "Upload the built artifacts to S3 and create the component version in GreengrassV2.")
        {
            config, bucket, verbatim, region, endpoint, s3Endpoint, stsEndpoint, pathStyle, buildDir, clientToken, waitSeconds,
        };
        command.SetAction(async (parseResult, cancellationToken) => await RunAsync(parseResult, async (stdout, stderr) =>
        {
            var configPath = Path.GetFullPath(parseResult.GetValue(config)!);
            var gdk = GdkConfig.Load(configPath);
            var resolvedRegion = parseResult.GetValue(region) ?? gdk.PublishRegion
                ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")
                ?? throw new GdkConfigException("No region: pass --region, set publish.region in gdk-config.json, or set AWS_REGION.");
            var resolvedBucket = parseResult.GetValue(bucket) ?? gdk.PublishBucket
                ?? throw new GdkConfigException("No bucket: pass --bucket or set publish.bucket in gdk-config.json.");
            var endpoints = new PublishEndpoints(parseResult.GetValue(s3Endpoint), parseResult.GetValue(endpoint), parseResult.GetValue(stsEndpoint), parseResult.GetValue(pathStyle));
            var options = ComponentPublisherOptions.Default with
            {
                PollTimeout = TimeSpan.FromSeconds(Math.Max(0, parseResult.GetValue(waitSeconds))),
                ClientToken = parseResult.GetValue(clientToken),
            };
            var publisher = ComponentPublisherFactory.Create(endpoints, resolvedRegion, credentials: null, options: options);
            var request = new ComponentPublishRequest(
                parseResult.GetValue(buildDir) ?? Path.Combine(Path.GetDirectoryName(configPath)!, ComponentBuilder.BuildFolderName),
                gdk.ComponentName,
                gdk.Version,
                resolvedBucket,
                parseResult.GetValue(verbatim),
                Prefix: null,
                resolvedRegion,
                endpoints);
            var published = await publisher.PublishAsync(request, new TextWriterProgress(stderr), cancellationToken).ConfigureAwait(false);
            await stderr.WriteLineAsync($"Published {published.ComponentName} {published.ComponentVersion}: {published.ComponentState}").ConfigureAwait(false);
            await stdout.WriteLineAsync(published.ComponentVersionArn).ConfigureAwait(false);
            return 0;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command CreateDeployLocal()
    {
        var buildDir = new Option<string>("--build-dir")
        {
            Description = "The build folder to deploy.",
            DefaultValueFactory = _ => ComponentBuilder.BuildFolderName,
        };
        var componentName = new Option<string?>("--component") { Description = "Component to deploy (default: the only one built)." };
        var greengrassCli = new Option<string>("--greengrass-cli")
        {
            Description = "Path of greengrass-cli on this device.",
            DefaultValueFactory = _ => LocalDeployment.DefaultGreengrassCli,
        };
        var run = new Option<bool>("--run") { Description = "Run the deployment instead of printing the command." };
        var command = new Command("deploy-local", "Print (or --run) the greengrass-cli command that deploys the built component on this device.")
        {
            buildDir, componentName, greengrassCli, run,
        };
        command.SetAction(async (parseResult, cancellationToken) => await RunAsync(parseResult, async (stdout, stderr) =>
        {
            var deployment = LocalDeployment.FromBuild(parseResult.GetValue(buildDir)!, parseResult.GetValue(componentName), parseResult.GetValue(greengrassCli)!);
            await stdout.WriteLineAsync(deployment.CommandLine()).ConfigureAwait(false);
            return parseResult.GetValue(run) ? await deployment.RunAsync(stderr, cancellationToken).ConfigureAwait(false) : 0;
        }).ConfigureAwait(false));
        return command;
    }

    /// <summary>Runs an action, turning the expected failures into one "error:" line on stderr and exit code 1.</summary>
    private static async Task<int> RunAsync(ParseResult parseResult, Func<TextWriter, TextWriter, Task<int>> action)
    {
        var stdout = parseResult.InvocationConfiguration.Output;
        var stderr = parseResult.InvocationConfiguration.Error;
        try
        {
            return await action(stdout, stderr).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ComponentException or AwsClientException or RecipeFormatException)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (IOException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private sealed class TextWriterProgress(TextWriter writer) : IProgress<string>
    {
        public void Report(string value) => writer.WriteLine(value);
    }
}
