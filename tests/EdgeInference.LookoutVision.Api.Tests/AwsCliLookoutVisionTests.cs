using System.Text.Json.Nodes;
using EdgeInference.Core.Packaging;
using EdgeInference.LookoutVision.Api;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Jobs;
using EdgeInference.Packaging.Store;
using EdgeInference.Testing;
using EdgeInference.Testing.Packaging;
using Xunit;

namespace EdgeInference.LookoutVision.Api.Tests;

/// <summary>Integration: the real AWS CLI v2 (<c>/usr/bin/aws</c>) against <c>lookoutvision-api</c> on a free loopback port.</summary>
[Collection(ProcessTests.Collection)]
public sealed class AwsCliLookoutVisionTests : IAsyncLifetime
{
    private const string AwsCli = AwsCliRunner.AwsCli;
    private readonly TempDirectory _temp = new();
    private readonly FakePublisher _publisher = new();
    private LookoutVisionApiHost? _api;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(AwsCli))
        {
            return;
        }

        var store = new PackagingStore(_temp.Combine("store"));
        var service = new PackagingService(store, TimeProvider.System);
        await service.CreateModelAsync("p1", SmallPackages.WriteFolder(_temp.Combine("pkg")), null, "first", TestContext.Current.CancellationToken);
        var settings = new JobRunSettings { Publish = new PublishSettings { Region = "us-east-1" } };
        _api = await LookoutVisionApiHost.StartAsync("127.0.0.1", 0, store, settings,
            new PackagingDependencies { PublisherFactory = (_, _) => _publisher }, AwsCliRunner.Security, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        _temp.Dispose();
    }

    private void SkipWithoutAwsCli()
    {
        if (!File.Exists(AwsCli))
        {
            Assert.Skip($"{AwsCli} (Debian's AWS CLI v2, installed by tests/run.sh) is absent.");
        }
    }

    [Fact]
    public async Task AwsCli_StartDescribeList_MatchesOurDescribe()
    {
        SkipWithoutAwsCli();
        var jobName = "signed-job";
        var configuration = SmallPackages.Configuration(componentName: "com.example." + jobName);

        var start = await RunAwsAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1",
            "--job-name", jobName, "--description", "packaged by the aws cli", "--configuration", configuration);
        Assert.True(start.ExitCode == 0, start.Stderr);
        Assert.Equal(jobName, JsonNode.Parse(start.Stdout)!["JobName"]!.GetValue<string>());

        // Wait on the store itself (a process per poll would only load the machine), then ask the AWS CLI once.
        var reader = new PackagingService(new PackagingStore(_temp.Combine("store")), TimeProvider.System);
        for (var poll = 0; poll < 600 && reader.DescribeJob("p1", jobName).Description.Status is not (ModelPackagingJobStatus.SUCCEEDED or ModelPackagingJobStatus.FAILED); poll++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var describe = await RunAwsAsync("describe-model-packaging-job", "--project-name", "p1", "--job-name", jobName);
        Assert.True(describe.ExitCode == 0, describe.Stderr);
        var description = JsonNode.Parse(describe.Stdout)!["ModelPackagingDescription"]!;
        Assert.Equal("SUCCEEDED", description["Status"]!.GetValue<string>());
        var ours = new PackagingService(new PackagingStore(_temp.Combine("store")), TimeProvider.System).DescribeJob("p1", jobName).Description;
        Assert.Equal(ours.JobName, description["JobName"]!.GetValue<string>());
        Assert.Equal(ours.ModelPackagingJobDescription, description["ModelPackagingJobDescription"]!.GetValue<string>());
        Assert.Equal("X86_64", description["ModelPackagingConfiguration"]!["Greengrass"]!["TargetPlatform"]!["Arch"]!.GetValue<string>());
        Assert.Equal(ours.ModelPackagingOutputDetails!.Greengrass!.ComponentVersionArn,
            description["ModelPackagingOutputDetails"]!["Greengrass"]!["ComponentVersionArn"]!.GetValue<string>());
        Assert.Equal(ours.CreationTimestamp, DateTimeOffset.Parse(description["CreationTimestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ours.LastUpdatedTimestamp, DateTimeOffset.Parse(description["LastUpdatedTimestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));

        var list = await RunAwsAsync("list-model-packaging-jobs", "--project-name", "p1");
        Assert.True(list.ExitCode == 0, list.Stderr);
        var row = JsonNode.Parse(list.Stdout)!["ModelPackagingJobs"]!.AsArray().Single(j => j!["JobName"]!.GetValue<string>() == jobName)!;
        Assert.Equal("SUCCEEDED", row["Status"]!.GetValue<string>());
        Assert.Equal("Greengrass", row["ModelPackagingMethod"]!.GetValue<string>());
    }

    [Fact]
    public async Task AwsCli_DescribeUnknownJob_PrintsResourceNotFound()
    {
        SkipWithoutAwsCli();

        var result = await RunAwsAsync("describe-model-packaging-job", "--project-name", "p1", "--job-name", "nope");

        Assert.Equal(254, result.ExitCode);
        Assert.Contains("An error occurred (ResourceNotFoundException) when calling the DescribeModelPackagingJob operation: Model packaging job nope not found in project p1.", result.Stderr);
    }

    [Fact]
    public async Task AwsCli_BothTargets_PrintsValidationException()
    {
        SkipWithoutAwsCli();
        var configuration = SmallPackages.Configuration(target: """ "TargetDevice": "jetson_xavier", "TargetPlatform": {"Os": "LINUX", "Arch": "ARM64"} """);

        var result = await RunAwsAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--configuration", configuration);

        Assert.Equal(254, result.ExitCode);
        Assert.Contains("(ValidationException)", result.Stderr);
        Assert.Contains("mutually exclusive", result.Stderr);
    }

    [Fact]
    public async Task AwsCli_SameJobNameTwice_PrintsConflictException()
    {
        SkipWithoutAwsCli();
        string[] args = ["start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--job-name", "twice", "--configuration", SmallPackages.Configuration(componentName: "com.example.Twice")];

        var first = await RunAwsAsync(args);
        var second = await RunAwsAsync(args);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(254, second.ExitCode);
        Assert.Contains("(ConflictException)", second.Stderr);
    }

    private Task<CliResult> RunAwsAsync(params string[] args) =>
        AwsCliRunner.RunAsync(_api!.Url.ToString().TrimEnd('/'), ["lookoutvision", .. args], TestContext.Current.CancellationToken);
}
