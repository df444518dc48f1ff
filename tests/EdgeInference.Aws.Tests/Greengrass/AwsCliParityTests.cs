using System.Net;
using System.Text;
using Amazon.Runtime;
using EdgeInference.Aws.Greengrass;
using EdgeInference.Testing;
using EdgeInference.Testing.Aws;
using Xunit;

namespace EdgeInference.Aws.Tests.Greengrass;

/// <summary>
/// For the same inputs, Debian's AWS CLI v2 (clock pinned with faketime) and our client (clock pinned through
/// TimeProvider) must put the same method, path, body and SigV4 Authorization on the wire.
/// </summary>
[Collection(ProcessTests.Collection)]
public sealed class AwsCliParityTests : IAsyncLifetime
{
    private const string AwsCli = "/usr/bin/aws";
    private const string FakeTime = "/usr/bin/faketime";
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset PinnedTime = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private readonly string _workDirectory = Directory.CreateTempSubdirectory("aws-cli-parity-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private FakeGreengrassV2Server _server = null!;

    public async ValueTask InitializeAsync() => _server = await FakeGreengrassV2Server.StartAsync();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_workDirectory, recursive: true);
    }

    [Fact]
    public async Task CreateComponentVersion_SameRecipeTokenAndTime_SameRequestAsAwsCli()
    {
        RequireTools();
        var recipe = GreengrassV2ClientTests.RecipeBytes("com.example.Parity", "1.2.3");
        var recipeFile = Path.Combine(_workDirectory, "recipe.yaml");
        await File.WriteAllBytesAsync(recipeFile, recipe, TestContext.Current.CancellationToken);
        const string token = "0c5bd9a4-5f0e-4a51-9d0a-2f4a0e7d9b11";
        // Both calls must get a 201, so the fake does not remember the first one.
        _server.Override = r => r.Method == "POST"
            ? new FakeReply(HttpStatusCode.Created, "{\"arn\":\"arn:aws:greengrass:us-east-1:123456789012:components:com.example.Parity:versions:1.2.3\",\"status\":{\"componentState\":\"REQUESTED\"}}")
            : null;

        await RunAwsCliAsync("greengrassv2", "create-component-version", "--inline-recipe", $"fileb://{recipeFile}", "--client-token", token);
        await Client().CreateComponentVersionAsync(recipe, token, null, TestContext.Current.CancellationToken);

        AssertSameWire(_server.Requests);
    }

    [Fact]
    public async Task DescribeComponent_SameArnAndTime_SameRequestAsAwsCli()
    {
        RequireTools();
        _server.Seed("com.example.Parity", "1.2.3");
        var arn = FakeGreengrassV2Server.VersionArn("com.example.Parity", "1.2.3");

        await RunAwsCliAsync("greengrassv2", "describe-component", "--arn", arn);
        await Client().DescribeComponentAsync(arn, TestContext.Current.CancellationToken);

        AssertSameWire(_server.Requests);
    }

    [Fact]
    public async Task ListComponentVersions_SameArnAndTime_SameRequestAsAwsCli()
    {
        RequireTools();
        _server.Seed("com.example.Parity", "1.2.3");
        var arn = FakeGreengrassV2Server.ComponentArn("com.example.Parity");

        await RunAwsCliAsync("greengrassv2", "list-component-versions", "--arn", arn);
        await Client().ListComponentVersionsAsync(arn, TestContext.Current.CancellationToken);

        AssertSameWire(_server.Requests);
    }

    private static void AssertSameWire(IReadOnlyList<RecordedRequest> requests)
    {
        Assert.Equal(2, requests.Count);
        var (cli, ours) = (requests[0], requests[1]);
        Assert.Equal(cli.Method, ours.Method);
        Assert.Equal(cli.RawTarget, ours.RawTarget);
        Assert.Equal(Encoding.UTF8.GetString(cli.Body), Encoding.UTF8.GetString(ours.Body));
        Assert.Equal(cli.Header("X-Amz-Date"), ours.Header("X-Amz-Date"));
        Assert.Equal(cli.Header("Content-Type"), ours.Header("Content-Type"));
        Assert.NotNull(cli.Header("Authorization"));
        Assert.Equal(cli.Header("Authorization"), ours.Header("Authorization"));
    }

    private static void RequireTools()
    {
        if (!File.Exists(AwsCli) || !File.Exists(FakeTime))
        {
            Assert.Skip($"Needs Debian's awscli ({AwsCli}) and faketime ({FakeTime}); tests/run.sh installs both.");
        }
    }

    private GreengrassV2Client Client() =>
        new(_http, new Uri(_server.Url), "us-east-1", new BasicAWSCredentials(AccessKey, SecretKey), new FixedTimeProvider(PinnedTime));

    private async Task RunAwsCliAsync(params string[] arguments)
    {
        // -f passes an absolute libfaketime spec, which freezes the clock (the plain form only starts it there).
        var result = await ExternalTool.RunAsync(
            FakeTime,
            ["-f", PinnedTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), AwsCli,
             .. arguments, "--endpoint-url", _server.Url, "--region", "us-east-1", "--output", "json"],
            TestContext.Current.CancellationToken,
            timeout: TimeSpan.FromSeconds(60),
            environment: new Dictionary<string, string?>
            {
                ["PATH"] = "/usr/bin:/bin",
                ["HOME"] = _workDirectory,
                ["TZ"] = "UTC",
                ["AWS_ACCESS_KEY_ID"] = AccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
                ["AWS_CONFIG_FILE"] = Path.Combine(_workDirectory, "no-config"),
                ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_workDirectory, "no-credentials"),
                ["AWS_EC2_METADATA_DISABLED"] = "true",
                ["AWS_PAGER"] = string.Empty,
            },
            clearEnvironment: true);
        Assert.True(result.ExitCode == 0, $"aws exited {result.ExitCode}: {result.Stderr}{result.Stdout}");
    }
}
