using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using EdgeInference.Cli.Commands.Packaging;
using EdgeInference.LookoutVision;
using EdgeInference.LookoutVision.Datasets;
using EdgeInference.Onnx;
using EdgeInference.Packaging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInference.Cli.Commands.LookoutVision;

/// <summary>The options every Lookout for Vision command shares (store, S3 for s3:// references, output) and how it opens the service.</summary>
internal sealed class LookoutCommandSupport
{
    public Option<string?> Store { get; } = CommandSupport.StoreOption();

    public Option<string?> Region { get; } = new("--region") { Description = "AWS Region for s3:// manifests and images (default $AWS_REGION, else us-east-1)." };

    public Option<string?> S3EndpointUrl { get; } = new("--s3-endpoint-url") { Description = "S3 endpoint URL for s3:// references (emulators such as moto)." };

    public OutputOptions Output { get; } = new();

    public void AddTo(Command command, bool withS3 = false)
    {
        command.Options.Add(Store);
        if (withS3)
        {
            command.Options.Add(Region);
            command.Options.Add(S3EndpointUrl);
        }

        Output.AddTo(command);
    }

    public LookoutVisionService Open(ParseResult parseResult, PackagingDependencies dependencies) =>
        new(CommandSupport.OpenStore(parseResult, Store), Dependencies(dependencies, S3(parseResult)));

    public S3Settings? S3(ParseResult parseResult)
    {
        var region = parseResult.GetValue(Region);
        var endpoint = parseResult.GetValue(S3EndpointUrl);
        return region is null && endpoint is null
            ? null
            : new S3Settings(region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1", endpoint);
    }

    public static LookoutVisionDependencies Dependencies(PackagingDependencies dependencies, S3Settings? s3) => new()
    {
        TimeProvider = dependencies.TimeProvider,
        S3 = s3,
        EngineLoader = new OnnxEngineLoader(NullLogger<OnnxEngineLoader>.Instance),
    };

    public void Print<T>(ParseResult parseResult, T reply, JsonTypeInfo<T> typeInfo, string operation) =>
        CommandSupport.Print(parseResult, JsonSerializer.SerializeToNode(reply, typeInfo), Output.Read(parseResult), operation);

    public void PrintEmpty(ParseResult parseResult, string operation) =>
        CommandSupport.Print(parseResult, new JsonObject(), Output.Read(parseResult), operation);
}
