using System.CommandLine;
using EdgeInference.Greengrass.Recipes;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Recipes;
using EdgeInference.Packaging.Store;

namespace EdgeInference.Cli.Commands.Packaging;

/// <summary>How jobs build and publish: the worker dependency, the recipe format and the publishing switches.</summary>
internal sealed class JobRunOptions
{
    public Option<string> WorkerComponentName { get; } = new("--worker-component-name")
    {
        Description = "The runtime component the model component depends on (HARD) and registers its model with.",
        DefaultValueFactory = _ => ModelComponentOptions.DefaultWorkerComponentName,
    };

    public Option<string> WorkerVersionRequirement { get; } = new("--worker-version-requirement")
    {
        Description = "The npm-style version range of the worker dependency.",
        DefaultValueFactory = _ => ModelComponentOptions.DefaultWorkerVersionRequirement,
    };

    public Option<RecipeFormat> RecipeFormat { get; } = new("--recipe-format")
    {
        Description = "Write the recipe as yaml (default) or json.",
        DefaultValueFactory = _ => Greengrass.Recipes.RecipeFormat.Yaml,
    };

    public Option<bool> Publish { get; } = new("--publish")
    {
        Description = "Upload the artifact to Configuration.Greengrass.S3OutputLocation and create the component version in Greengrass (needs --region).",
    };

    public Option<string?> Region { get; } = new("--region") { Description = "AWS Region to publish to (default $AWS_REGION / $AWS_DEFAULT_REGION)." };

    public Option<string?> EndpointUrl { get; } = new("--endpoint-url") { Description = "GreengrassV2 endpoint URL (tests, emulators)." };

    public Option<string?> S3EndpointUrl { get; } = new("--s3-endpoint-url") { Description = "S3 endpoint URL (tests, emulators)." };

    public Option<string?> StsEndpointUrl { get; } = new("--sts-endpoint-url") { Description = "STS endpoint URL (tests, emulators)." };

    public Option<bool> S3ForcePathStyle { get; } = new("--s3-force-path-style") { Description = "Address S3 buckets by path (emulators)." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { WorkerComponentName, WorkerVersionRequirement, RecipeFormat, Publish, Region, EndpointUrl, S3EndpointUrl, StsEndpointUrl, S3ForcePathStyle })
        {
            command.Options.Add(option);
        }
    }

    /// <exception cref="PackagingValidationException">--publish without a region.</exception>
    public JobRunSettings Read(ParseResult parseResult, string? outputDirectory)
    {
        PublishSettings? publish = null;
        if (parseResult.GetValue(Publish))
        {
            var region = parseResult.GetValue(Region)
                ?? Environment.GetEnvironmentVariable("AWS_REGION")
                ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")
                ?? throw new PackagingValidationException("--publish needs --region (or $AWS_REGION).");
            publish = new PublishSettings
            {
                Region = region,
                GreengrassEndpoint = parseResult.GetValue(EndpointUrl),
                S3Endpoint = parseResult.GetValue(S3EndpointUrl),
                StsEndpoint = parseResult.GetValue(StsEndpointUrl),
                S3ForcePathStyle = parseResult.GetValue(S3ForcePathStyle),
            };
        }

        return new JobRunSettings
        {
            WorkerComponentName = parseResult.GetValue(WorkerComponentName)!,
            WorkerVersionRequirement = parseResult.GetValue(WorkerVersionRequirement)!,
            RecipeFormat = parseResult.GetValue(RecipeFormat),
            OutputDirectory = outputDirectory is null ? null : Path.GetFullPath(outputDirectory),
            Publish = publish,
        };
    }
}
