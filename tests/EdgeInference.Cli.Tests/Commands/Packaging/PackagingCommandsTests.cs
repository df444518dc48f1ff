using System.Text.Json.Nodes;
using EdgeInference.Packaging;
using EdgeInference.Testing.Packaging;
using Xunit;

namespace EdgeInference.Cli.Tests.Commands.Packaging;

public sealed class PackagingCommandsTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();
    private readonly ManualTimeProvider _time = new(Start);
    private readonly FakePublisher _publisher = new();
    private readonly RecordingLauncher _launcher = new();
    private readonly PackagingCli _cli;

    public PackagingCommandsTests()
    {
        _cli = new PackagingCli(_temp.Combine("store"), new PackagingDependencies
        {
            TimeProvider = _time,
            PublisherFactory = (_, _) => _publisher,
            JobLauncher = _launcher,
        });
    }

    public void Dispose() => _temp.Dispose();

    private string StoreRoot => _temp.Combine("store");

    private async Task<string> CreateModelAsync(string project = "p1")
    {
        var package = SmallPackages.WriteFolder(_temp.Combine("pkg-" + Guid.NewGuid().ToString("N")));
        var result = await _cli.RunAsync("create-model", "--project-name", project, "--model", package);
        Assert.Equal(0, result.ExitCode);
        return result.Json["ModelMetadata"]!["ModelVersion"]!.GetValue<string>();
    }

    [Fact]
    public async Task CreateModel_TwoPackages_NumbersVersionsAndRecordsSha256()
    {
        Assert.Equal("1", await CreateModelAsync());
        Assert.Equal("2", await CreateModelAsync());

        var list = await _cli.RunAsync("list-models", "--project-name", "p1");
        var models = list.Json["Models"]!.AsArray();
        Assert.Equal(["1", "2"], models.Select(m => m!["ModelVersion"]!.GetValue<string>()));
        var expectedSha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(SmallPackages.Model));
        Assert.Equal(expectedSha, models[0]!["ModelSha256"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateModel_ManifestWithoutRequiredField_RefusedAndNothingWritten()
    {
        var package = SmallPackages.WriteFolder(_temp.Combine("bad"), manifest: """{"Task": "classification", "Outputs": []}""");

        var result = await _cli.RunAsync("create-model", "--project-name", "p1", "--model", package);

        Assert.Equal(254, result.ExitCode);
        Assert.Contains("ValidationException", result.Stderr);
        Assert.Contains("Input", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(StoreRoot, "projects")));
        Assert.Empty(Directory.GetFiles(StoreRoot, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task CreateModel_ManifestNamesMissingModelFile_Refused()
    {
        var package = SmallPackages.WriteFolder(_temp.Combine("pkg"), modelFile: "other.onnx");

        var result = await _cli.RunAsync("create-model", "--project-name", "p1", "--model", package);

        Assert.Equal(254, result.ExitCode);
        Assert.Contains("no model file 'model.onnx'", result.Stderr);
    }

    [Fact]
    public async Task StartJob_ValidConfiguration_PassesThroughRunningToSucceededWithGdkLayout()
    {
        await CreateModelAsync();

        var start = await _cli.RunAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1",
            "--job-name", "job-1", "--configuration", SmallPackages.Configuration(), "--description", "first packaging");

        Assert.Equal(0, start.ExitCode);
        Assert.Equal("job-1", start.Json["JobName"]!.GetValue<string>());
        var describe = await _cli.RunAsync("describe-model-packaging-job", "--project-name", "p1", "--job-name", "job-1");
        var description = describe.Json["ModelPackagingDescription"]!;
        Assert.Equal("SUCCEEDED", description["Status"]!.GetValue<string>());
        Assert.Equal("Greengrass", description["ModelPackagingMethod"]!.GetValue<string>());
        Assert.Equal("first packaging", description["ModelPackagingJobDescription"]!.GetValue<string>());
        Assert.Equal("1.0.0", description["ModelPackagingOutputDetails"]!["Greengrass"]!["ComponentVersion"]!.GetValue<string>());
        Assert.Equal(Start.ToUnixTimeSeconds(), description["CreationTimestamp"]!.GetValue<long>());
        Assert.Null(description["ModelPackagingOutputDetails"]!["Greengrass"]!["ComponentVersionArn"]);

        var build = Path.Combine(StoreRoot, "projects", "p1", "jobs", "job-1", "greengrass-build");
        Assert.True(File.Exists(Path.Combine(build, "recipes", "com.example.Model-1.0.0.yaml")));
        Assert.True(File.Exists(Path.Combine(build, "artifacts", "com.example.Model", "1.0.0", "model-package.zip")));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(StoreRoot, "projects", "p1", "jobs", "job-1"), ".*"));
    }

    [Fact]
    public async Task StartJob_OutputDirAndJsonRecipe_CopiesBuildFolder()
    {
        await CreateModelAsync();
        var outputDir = _temp.Combine("out");

        var start = await _cli.RunAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "latest",
            "--configuration", SmallPackages.Configuration(), "--output-dir", outputDir, "--recipe-format", "json");

        Assert.Equal(0, start.ExitCode);
        var recipe = JsonNode.Parse(File.ReadAllText(Path.Combine(outputDir, "greengrass-build", "recipes", "com.example.Model-1.0.0.json")))!;
        Assert.Equal("com.example.Model", recipe["ComponentName"]!.GetValue<string>());
        Assert.Matches("^p1-1-[0-9]{14}-[0-9a-f]{6}$", start.Json["JobName"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartJob_SameClientToken_ReturnsSameJob()
    {
        await CreateModelAsync();
        string[] args = ["start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--configuration", SmallPackages.Configuration(), "--client-token", "token-1"];

        var first = await _cli.RunAsync(args);
        var second = await _cli.RunAsync(args);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(first.Json["JobName"]!.GetValue<string>(), second.Json["JobName"]!.GetValue<string>());
        var list = await _cli.RunAsync("list-model-packaging-jobs", "--project-name", "p1");
        Assert.Single(list.Json["ModelPackagingJobs"]!.AsArray());
    }

    [Fact]
    public async Task StartJob_DuplicateJobName_Conflict()
    {
        await CreateModelAsync();
        await _cli.RunAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--job-name", "j", "--configuration", SmallPackages.Configuration("com.example.A"));

        var again = await _cli.RunAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--job-name", "j", "--configuration", SmallPackages.Configuration("com.example.B"));

        Assert.Equal(254, again.ExitCode);
        Assert.Contains("(ConflictException)", again.Stderr);
        Assert.Contains("'j' already exists", again.Stderr);
    }

    [Fact]
    public async Task StartJob_DuplicateComponentNameAndVersion_ConflictNamingTheComponent()
    {
        await CreateModelAsync();
        await CreateModelAsync("p2");
        var first = await _cli.RunAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--configuration", SmallPackages.Configuration(version: "2.0.0"));

        var second = await _cli.RunAsync("start-model-packaging-job", "--project-name", "p2", "--model-version", "1", "--configuration", SmallPackages.Configuration(version: "2.0.0"));

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(254, second.ExitCode);
        Assert.Contains("Component com.example.Model version 2.0.0 already exists", second.Stderr);
        Assert.False(Directory.Exists(Path.Combine(StoreRoot, "projects", "p2", "jobs")));
    }

    [Theory]
    [InlineData("nope", "1", "Project nope not found")]
    [InlineData("p1", "7", "Model version 7 not found")]
    public async Task StartJob_UnknownProjectOrModelVersion_ResourceNotFound(string project, string version, string message)
    {
        await CreateModelAsync();

        var result = await _cli.RunAsync("start-model-packaging-job", "--project-name", project, "--model-version", version, "--configuration", SmallPackages.Configuration());

        Assert.Equal(254, result.ExitCode);
        Assert.Contains("(ResourceNotFoundException)", result.Stderr);
        Assert.Contains(message, result.Stderr);
    }

    [Fact]
    public async Task StartJob_BothTargets_RefusedWithRuleAndNothingWritten()
    {
        await CreateModelAsync();
        var configuration = SmallPackages.Configuration(target: """ "TargetDevice": "jetson_xavier", "TargetPlatform": {"Os": "LINUX", "Arch": "ARM64"} """);

        var result = await _cli.RunAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--configuration", configuration);

        Assert.Equal(254, result.ExitCode);
        Assert.Contains("TargetDevice and Configuration.Greengrass.TargetPlatform are mutually exclusive", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(StoreRoot, "projects", "p1", "jobs")));
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task StartJob_ConfigurationFromFileWithUnknownField_Refused()
    {
        await CreateModelAsync();
        var file = _temp.Combine("config.json");
        File.WriteAllText(file, """{"Greengrass": {"ComponentName": "c", "TargetPlatfrom": {}}}""");

        var result = await _cli.RunAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--configuration", "file://" + file);

        Assert.Equal(254, result.ExitCode);
        Assert.Contains("TargetPlatfrom", result.Stderr);
    }

    [Fact]
    public async Task StartJob_PublishConfigured_PublishesBuildAndRecordsArn()
    {
        await CreateModelAsync();

        var result = await _cli.RunAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--job-name", "pub",
            "--configuration", SmallPackages.Configuration(), "--publish", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:1", "--s3-force-path-style");

        Assert.Equal(0, result.ExitCode);
        var request = Assert.Single(_publisher.Requests);
        Assert.Equal("models-bucket", request.Bucket);
        Assert.True(request.BucketIsVerbatim);
        Assert.Equal("lfv", request.Prefix);
        Assert.Equal("http://127.0.0.1:1", request.Endpoints.GreengrassV2);
        Assert.True(request.Endpoints.S3ForcePathStyle);
        Assert.Contains(Path.Combine("artifacts", "com.example.Model", "1.0.0", "model-package.zip"), _publisher.BuildFilesSeen);
        var describe = await _cli.RunAsync("describe-model-packaging-job", "--project-name", "p1", "--job-name", "pub");
        Assert.Equal(
            "arn:aws:greengrass:eu-west-1:123456789012:components:com.example.Model:versions:1.0.0",
            describe.Json["ModelPackagingDescription"]!["ModelPackagingOutputDetails"]!["Greengrass"]!["ComponentVersionArn"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartJob_PublisherThrows_JobFailedWithMessageAndNoBuildLeft()
    {
        var failing = new FakePublisher(new InvalidOperationException("S3 said AccessDenied"));
        var cli = new PackagingCli(StoreRoot, _cli.Dependencies with { PublisherFactory = (_, _) => failing });
        await CreateModelAsync();

        var result = await cli.RunAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--job-name", "bad",
            "--configuration", SmallPackages.Configuration(), "--publish", "--region", "us-east-1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAILED: S3 said AccessDenied", result.Stderr);
        var describe = await cli.RunAsync("describe-model-packaging-job", "--project-name", "p1", "--job-name", "bad");
        Assert.Equal("FAILED", describe.Json["ModelPackagingDescription"]!["Status"]!.GetValue<string>());
        Assert.Equal("S3 said AccessDenied", describe.Json["ModelPackagingDescription"]!["StatusMessage"]!.GetValue<string>());
        var jobFolder = Path.Combine(StoreRoot, "projects", "p1", "jobs", "bad");
        Assert.Equal(["job.json"], Directory.EnumerateFileSystemEntries(jobFolder).Select(Path.GetFileName));

        // A failed job does not hold its component name+version.
        var retry = await _cli.RunAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--configuration", SmallPackages.Configuration());
        Assert.Equal(0, retry.ExitCode);
    }

    [Fact]
    public async Task StartJob_PublishWithoutRegion_Refused()
    {
        await CreateModelAsync();
        if (Environment.GetEnvironmentVariable("AWS_REGION") is not null || Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") is not null)
        {
            Assert.Skip("AWS_REGION is set in this environment.");
        }

        var result = await _cli.RunAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--configuration", SmallPackages.Configuration(), "--publish");

        Assert.Equal(254, result.ExitCode);
        Assert.Contains("--publish needs --region", result.Stderr);
    }

    [Fact]
    public async Task StartJob_NoWait_LeavesJobCreatedAndLaunchesRunner()
    {
        await CreateModelAsync();

        var result = await _cli.RunAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--job-name", "later", "--configuration", SmallPackages.Configuration(), "--no-wait");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(("p1", "later"), (_launcher.Launches.Single().Project, _launcher.Launches.Single().Job));
        var describe = await _cli.RunAsync("describe-model-packaging-job", "--project-name", "p1", "--job-name", "later");
        Assert.Equal("CREATED", describe.Json["ModelPackagingDescription"]!["Status"]!.GetValue<string>());

        _time.Advance(TimeSpan.FromSeconds(5));
        var run = await _cli.RunAsync("run-model-packaging-job", "--project-name", "p1", "--job-name", "later");
        Assert.Equal(0, run.ExitCode);
        var after = (await _cli.RunAsync("describe-model-packaging-job", "--project-name", "p1", "--job-name", "later")).Json["ModelPackagingDescription"]!;
        Assert.Equal("SUCCEEDED", after["Status"]!.GetValue<string>());
        Assert.Equal(Start.AddSeconds(5).ToUnixTimeSeconds(), after["LastUpdatedTimestamp"]!.GetValue<long>());
    }

    [Fact]
    public async Task ListJobs_PagesWithNextToken()
    {
        await CreateModelAsync();
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await _cli.RunAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--job-name", $"j{i}", "--configuration", SmallPackages.Configuration(version: $"1.0.{i}"));
        }

        var first = await _cli.RunAsync("list-model-packaging-jobs", "--project-name", "p1", "--max-results", "2");
        var token = first.Json["NextToken"]!.GetValue<string>();
        var second = await _cli.RunAsync("list-model-packaging-jobs", "--project-name", "p1", "--max-results", "2", "--next-token", token);

        Assert.Equal(["j0", "j1"], first.Json["ModelPackagingJobs"]!.AsArray().Select(j => j!["JobName"]!.GetValue<string>()));
        Assert.Equal(["j2"], second.Json["ModelPackagingJobs"]!.AsArray().Select(j => j!["JobName"]!.GetValue<string>()));
        Assert.Null(second.Json["NextToken"]);
        var row = first.Json["ModelPackagingJobs"]![0]!.AsObject();
        Assert.Equal(
            ["JobName", "ProjectName", "ModelVersion", "ModelPackagingMethod", "Status", "StatusMessage", "CreationTimestamp", "LastUpdatedTimestamp"],
            row.Select(p => p.Key));
    }

    [Fact]
    public async Task DescribeJob_QueryAndTextOutput_PrintsStatusOnly()
    {
        await CreateModelAsync();
        await _cli.RunAsync("start-model-packaging-job", "--project-name", "p1", "--model-version", "1", "--job-name", "q", "--configuration", SmallPackages.Configuration());

        var result = await _cli.RunAsync("describe-model-packaging-job", "--project-name", "p1", "--job-name", "q", "--query", "ModelPackagingDescription.Status", "--output", "text");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("SUCCEEDED\n", result.Stdout);
    }

    [Fact]
    public async Task DescribeJob_UnknownJob_ResourceNotFound()
    {
        await CreateModelAsync();

        var result = await _cli.RunAsync("describe-model-packaging-job", "--project-name", "p1", "--job-name", "missing");

        Assert.Equal(254, result.ExitCode);
        Assert.Equal("An error occurred (ResourceNotFoundException) when calling the DescribeModelPackagingJob operation: Model packaging job missing not found in project p1.\n", result.Stderr);
    }

    [Fact]
    public async Task CreateModel_TwoProcessesAtOnce_GetDistinctVersions()
    {
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() => CreateModelAsync())).ToList();

        var versions = await Task.WhenAll(tasks);

        Assert.Equal(["1", "2", "3", "4"], versions.Order());
    }
}
