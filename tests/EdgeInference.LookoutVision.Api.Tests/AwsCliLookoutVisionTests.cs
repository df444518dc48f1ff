using System.Diagnostics;
using System.Text.Json.Nodes;
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
    private const string AwsCli = "/usr/bin/aws";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
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
            new PackagingDependencies { PublisherFactory = (_, _) => _publisher }, TestContext.Current.CancellationToken);
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

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AwsCli_StartDescribeList_MatchesOurDescribe(bool signed)
    {
        SkipWithoutAwsCli();
        var jobName = signed ? "signed-job" : "anonymous-job";
        var configuration = SmallPackages.Configuration(componentName: "com.example." + jobName);

        var start = await RunAwsAsync(signed, "start-model-packaging-job", "--project-name", "p1", "--model-version", "1",
            "--job-name", jobName, "--description", "packaged by the aws cli", "--configuration", configuration);
        Assert.True(start.ExitCode == 0, start.Stderr);
        Assert.Equal(jobName, JsonNode.Parse(start.Stdout)!["JobName"]!.GetValue<string>());

        JsonNode description = null!;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var describe = await RunAwsAsync(signed, "describe-model-packaging-job", "--project-name", "p1", "--job-name", jobName);
            Assert.True(describe.ExitCode == 0, describe.Stderr);
            description = JsonNode.Parse(describe.Stdout)!["ModelPackagingDescription"]!;
            if (description["Status"]!.GetValue<string>() is "SUCCEEDED" or "FAILED")
            {
                break;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Equal("SUCCEEDED", description["Status"]!.GetValue<string>());
        var ours = new PackagingService(new PackagingStore(_temp.Combine("store")), TimeProvider.System).DescribeJob("p1", jobName).Description;
        Assert.Equal(ours.JobName, description["JobName"]!.GetValue<string>());
        Assert.Equal(ours.ModelPackagingJobDescription, description["ModelPackagingJobDescription"]!.GetValue<string>());
        Assert.Equal("X86_64", description["ModelPackagingConfiguration"]!["Greengrass"]!["TargetPlatform"]!["Arch"]!.GetValue<string>());
        Assert.Equal(ours.ModelPackagingOutputDetails!.Greengrass!.ComponentVersionArn,
            description["ModelPackagingOutputDetails"]!["Greengrass"]!["ComponentVersionArn"]!.GetValue<string>());
        Assert.Equal(ours.CreationTimestamp, DateTimeOffset.Parse(description["CreationTimestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ours.LastUpdatedTimestamp, DateTimeOffset.Parse(description["LastUpdatedTimestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));

        var list = await RunAwsAsync(signed, "list-model-packaging-jobs", "--project-name", "p1");
        Assert.True(list.ExitCode == 0, list.Stderr);
        var row = JsonNode.Parse(list.Stdout)!["ModelPackagingJobs"]!.AsArray().Single(j => j!["JobName"]!.GetValue<string>() == jobName)!;
        Assert.Equal("SUCCEEDED", row["Status"]!.GetValue<string>());
        Assert.Equal("Greengrass", row["ModelPackagingMethod"]!.GetValue<string>());
    }

    [Fact]
    public async Task AwsCli_DescribeUnknownJob_PrintsResourceNotFound()
    {
        SkipWithoutAwsCli();

        var result = await RunAwsAsync(true, "describe-model-packaging-job", "--project-name", "p1", "--job-name", "nope");

        Assert.Equal(254, result.ExitCode);
        Assert.Contains("An error occurred (ResourceNotFoundException) when calling the DescribeModelPackagingJob operation: Model packaging job nope not found in project p1.", result.Stderr);
    }

    [Fact]
    public async Task AwsCli_BothTargets_PrintsValidationException()
    {
        SkipWithoutAwsCli();
        var configuration = SmallPackages.Configuration(target: """ "TargetDevice": "jetson_xavier", "TargetPlatform": {"Os": "LINUX", "Arch": "ARM64"} """);

        var result = await RunAwsAsync(false, "start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--configuration", configuration);

        Assert.Equal(254, result.ExitCode);
        Assert.Contains("(ValidationException)", result.Stderr);
        Assert.Contains("mutually exclusive", result.Stderr);
    }

    [Fact]
    public async Task AwsCli_SameJobNameTwice_PrintsConflictException()
    {
        SkipWithoutAwsCli();
        string[] args = ["start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--job-name", "twice", "--configuration", SmallPackages.Configuration(componentName: "com.example.Twice")];

        var first = await RunAwsAsync(false, args);
        var second = await RunAwsAsync(false, args);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(254, second.ExitCode);
        Assert.Contains("(ConflictException)", second.Stderr);
    }

    private async Task<CliResult> RunAwsAsync(bool signed, params string[] args)
    {
        var start = new ProcessStartInfo(AwsCli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "lookoutvision" }.Concat(args).Concat(["--endpoint-url", _api!.Url.ToString().TrimEnd('/'), "--region", "us-east-1", "--output", "json"]))
        {
            start.ArgumentList.Add(argument);
        }

        if (!signed)
        {
            start.ArgumentList.Add("--no-sign-request");
        }

        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "dummy-secret";
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        start.Environment["AWS_PAGER"] = string.Empty;

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(CommandTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
