using System.Text.Json.Nodes;
using EdgeInference.LookoutVision.Datasets;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Store;
using EdgeInference.Testing;
using EdgeInference.Testing.Anomaly;
using EdgeInference.Testing.Aws;
using EdgeInference.Testing.Packaging;
using Xunit;

namespace EdgeInference.LookoutVision.Api.Tests;

/// <summary>
/// Integration: <c>aws lookoutvision create-project / create-dataset / create-model / describe-model / detect-anomalies …
/// --endpoint-url</c> against lookoutvision-api, with the Ground Truth manifest, images and masks in S3 (moto).
/// </summary>
[Collection(ProcessTests.Collection)]
public sealed class AwsCliWorkflowTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private LookoutVisionApiHost? _api;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(AwsCliRunner.AwsCli))
        {
            return;
        }

        moto.RequireRunning();
        _api = await LookoutVisionApiHost.StartAsync("127.0.0.1", 0, new PackagingStore(_temp.Combine("store")), new JobRunSettings(),
            new PackagingDependencies { PublisherFactory = (_, _) => new FakePublisher() }, AwsCliRunner.Security, Token, new S3Settings("us-east-1", moto.Url, new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "dummy-secret")));
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        _temp.Dispose();
    }

    private Task<CliResult> LookoutAsync(params string[] args) =>
        AwsCliRunner.RunAsync(_api!.Url.ToString().TrimEnd('/'), ["lookoutvision", .. args], Token);

    /// <summary>Puts the folder in S3 (moto) in-process: the S3 upload is set-up here, not what these tests prove, and an AWS CLI process costs ~2 s.</summary>
    private async Task UploadAsync(string folder, string bucket)
    {
        var config = new Amazon.S3.AmazonS3Config { ServiceURL = moto.Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" };
        using var s3 = new Amazon.S3.AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "dummy-secret"), config);
        await s3.PutBucketAsync(bucket, Token);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest
            {
                BucketName = bucket,
                Key = "parts/" + Path.GetRelativePath(folder, file).Replace('\\', '/'),
                FilePath = file,
                UseChunkEncoding = false,
            }, Token);
        }
    }

    [Fact]
    public async Task AwsCli_CreateProjectDatasetModelDescribeDetect_TheWholeWorkflow()
    {
        AwsCliRunner.SkipWithoutAwsCli();
        var folder = _temp.Combine("parts");
        SmallSyntheticSets.Write(folder);
        await UploadAsync(folder, "workflow-data");

        var project = await LookoutAsync("create-project", "--project-name", "parts");
        Assert.True(project.ExitCode == 0, project.Stderr);
        Assert.Equal("parts", project.Json["ProjectMetadata"]!["ProjectName"]!.GetValue<string>());

        var dataset = await LookoutAsync("create-dataset", "--project-name", "parts", "--dataset-type", "train",
            "--dataset-source", """{"GroundTruthManifest": {"S3Object": {"Bucket": "workflow-data", "Key": "parts/manifest.jsonl"}}}""");
        Assert.True(dataset.ExitCode == 0, dataset.Stderr);
        Assert.Equal("CREATE_COMPLETE", dataset.Json["DatasetMetadata"]!["Status"]!.GetValue<string>());
        var stats = (await LookoutAsync("describe-dataset", "--project-name", "parts", "--dataset-type", "train")).Json["DatasetDescription"]!["ImageStats"]!;
        Assert.Equal(31, stats["Total"]!.GetValue<int>());
        Assert.Equal(9, stats["Anomaly"]!.GetValue<int>());

        var model = await LookoutAsync("create-model", "--project-name", "parts", "--description", "from the aws cli",
            "--output-config", """{"S3Location": {"Bucket": "workflow-data", "Prefix": "models/"}}""");
        Assert.True(model.ExitCode == 0, model.Stderr);
        Assert.Equal("TRAINING", model.Json["ModelMetadata"]!["Status"]!.GetValue<string>());

        // Wait on the store itself (a process per poll would only load the machine), then ask the AWS CLI once.
        using (var reader = new LookoutVisionService(new PackagingStore(_temp.Combine("store")), new LookoutVisionDependencies { EngineLoader = new NoEngines() }))
        {
            for (var poll = 0; poll < 1200 && reader.DescribeModel("parts", "1").Status == "TRAINING"; poll++)
            {
                await Task.Delay(250, Token);
            }
        }

        var description = (await LookoutAsync("describe-model", "--project-name", "parts", "--model-version", "1")).Json["ModelDescription"]!;
        Assert.True(description["Status"]!.GetValue<string>() == "TRAINED", description.ToJsonString());
        Assert.NotNull(description["Performance"]!["F1Score"]);
        Assert.Equal("from the aws cli", description["Description"]!.GetValue<string>());

        var image = Path.Combine(folder, "anomaly", "001.png");
        var detect = await LookoutAsync("detect-anomalies", "--project-name", "parts", "--model-version", "1", "--body", image, "--content-type", "image/png");
        Assert.True(detect.ExitCode == 0, detect.Stderr);
        var result = detect.Json["DetectAnomalyResult"]!;
        Assert.Equal("direct", result["Source"]!["Type"]!.GetValue<string>());
        Assert.True(result["IsAnomalous"]!.GetValue<bool>());
        Assert.Equal("anomaly", result["Anomalies"]![1]!["Name"]!.GetValue<string>());
        Assert.StartsWith("iVBORw0KGgo", result["AnomalyMask"]!.GetValue<string>(), StringComparison.Ordinal);

        var models = await LookoutAsync("list-models", "--project-name", "parts");
        Assert.Equal("TRAINED", models.Json["Models"]![0]!["Status"]!.GetValue<string>());
        var entries = await LookoutAsync("list-dataset-entries", "--project-name", "parts", "--dataset-type", "train", "--anomaly-class", "anomaly");
        Assert.Equal(9, entries.Json["DatasetEntries"]!.AsArray().Count);
    }

    [Fact]
    public async Task AwsCli_ManifestLineThatIsNotJson_ValidationExceptionNamingTheLine()
    {
        AwsCliRunner.SkipWithoutAwsCli();
        var folder = _temp.Combine("bad");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "manifest.jsonl"), "{\"source-ref\": \"a.png\", \"anomaly-label\": 0}\nnot json\n", Token);
        await UploadAsync(folder, "bad-data");
        Assert.Equal(0, (await LookoutAsync("create-project", "--project-name", "bad")).ExitCode);

        var dataset = await LookoutAsync("create-dataset", "--project-name", "bad", "--dataset-type", "train",
            "--dataset-source", """{"GroundTruthManifest": {"S3Object": {"Bucket": "bad-data", "Key": "parts/manifest.jsonl"}}}""");

        Assert.Equal(254, dataset.ExitCode);
        Assert.Contains("An error occurred (ValidationException) when calling the CreateDataset operation: s3://bad-data/parts/manifest.jsonl line 2 is not JSON", dataset.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AwsCli_DetectOnAMissingModel_ResourceNotFound()
    {
        AwsCliRunner.SkipWithoutAwsCli();
        Assert.Equal(0, (await LookoutAsync("create-project", "--project-name", "empty")).ExitCode);
        var image = _temp.Combine("x.png");
        await File.WriteAllBytesAsync(image, TestImages.Solid(8, 8, (1, 2, 3)), Token);

        var detect = await LookoutAsync("detect-anomalies", "--project-name", "empty", "--model-version", "4", "--body", image, "--content-type", "image/png");

        Assert.Equal(254, detect.ExitCode);
        Assert.Contains("(ResourceNotFoundException) when calling the DetectAnomalies operation: Model 4 not found in project empty.", detect.Stderr, StringComparison.Ordinal);
    }
}

/// <summary>The polling reader never detects: it has no engines.</summary>
internal sealed class NoEngines : EdgeInference.Core.Inference.IInferenceEngineLoader
{
    public EdgeInference.Core.Inference.IInferenceEngine Load(EdgeInference.Core.Inference.ModelLoadOptions options, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("The polling reader loads no model.");
}
