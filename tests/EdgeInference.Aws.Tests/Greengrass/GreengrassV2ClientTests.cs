using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using EdgeInference.Aws;
using EdgeInference.Aws.Greengrass;
using EdgeInference.Testing;
using EdgeInference.Testing.Aws;
using Xunit;

namespace EdgeInference.Aws.Tests.Greengrass;

/// <summary>The GreengrassV2 REST client against an in-process fake of the service on 127.0.0.1.</summary>
public sealed class GreengrassV2ClientTests : IAsyncLifetime
{
    private static readonly BasicAWSCredentials Credentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private FakeGreengrassV2Server _server = null!;

    public async ValueTask InitializeAsync() => _server = await FakeGreengrassV2Server.StartAsync();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task CreateComponentVersion_Recipe_SendsBase64InlineRecipeSignedForGreengrass()
    {
        var recipe = RecipeBytes("com.example.Hello", "1.0.0");

        var created = await Client().CreateComponentVersionAsync(recipe, "token-1", new Dictionary<string, string> { ["team"] = "vision" }, TestContext.Current.CancellationToken);

        Assert.Equal(FakeGreengrassV2Server.VersionArn("com.example.Hello", "1.0.0"), created.Arn);
        Assert.Equal("REQUESTED", created.Status?.ComponentState);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/greengrass/v2/createComponentVersion", request.RawTarget);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(recipe, Convert.FromBase64String(body["inlineRecipe"]!.GetValue<string>()));
        Assert.Equal("token-1", body["clientToken"]!.GetValue<string>());
        Assert.Equal("vision", body["tags"]!["team"]!.GetValue<string>());
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", request.Header("Authorization"), StringComparison.Ordinal);
        Assert.Contains("/us-east-1/greengrass/aws4_request, SignedHeaders=content-type;host;x-amz-date,", request.Header("Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateComponentVersion_VersionExists_ThrowsConflictWithServiceMessage()
    {
        _server.Seed("com.example.Hello", "1.0.0");

        var error = await Assert.ThrowsAsync<AwsServiceException>(() =>
            Client().CreateComponentVersionAsync(RecipeBytes("com.example.Hello", "1.0.0"), "t", null, TestContext.Current.CancellationToken));

        Assert.Equal("ConflictException", error.ErrorCode);
        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Contains("CreateComponentVersion", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeComponent_Arn_SentAsOnePercentEncodedSegment()
    {
        _server.Seed("com.example.Hello", "1.0.0");
        var arn = FakeGreengrassV2Server.VersionArn("com.example.Hello", "1.0.0");

        var description = await Client().DescribeComponentAsync(arn, TestContext.Current.CancellationToken);

        Assert.Equal("DEPLOYABLE", (await Client().DescribeComponentAsync(arn, TestContext.Current.CancellationToken)).Status?.ComponentState);
        Assert.Equal("INITIATED", description.Status?.ComponentState);
        Assert.Equal(
            "/greengrass/v2/components/arn%3Aaws%3Agreengrass%3Aus-east-1%3A123456789012%3Acomponents%3Acom.example.Hello%3Aversions%3A1.0.0/metadata",
            _server.Requests[0].RawTarget);
    }

    [Fact]
    public async Task ListComponentVersions_SeveralPages_FollowsEncodedNextToken()
    {
        foreach (var version in new[] { "1.0.0", "1.0.1", "1.2.0", "2.0.0", "1.10.3" })
        {
            _server.Seed("com.example.Hello", version);
        }

        var versions = await Client().ListComponentVersionsAsync(FakeGreengrassV2Server.ComponentArn("com.example.Hello"), TestContext.Current.CancellationToken);

        Assert.Equal(["2.0.0", "1.10.3", "1.2.0", "1.0.1", "1.0.0"], versions.Select(v => v.ComponentVersion));
        Assert.Equal(3, _server.Requests.Count);
        Assert.EndsWith("/versions?nextToken=page%2B2", _server.Requests[1].RawTarget, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListComponentVersions_UnknownComponent_ThrowsResourceNotFound()
    {
        _server.UnknownComponentNotFound = true;

        var error = await Assert.ThrowsAsync<AwsServiceException>(() =>
            Client().ListComponentVersionsAsync(FakeGreengrassV2Server.ComponentArn("com.example.Missing"), TestContext.Current.CancellationToken));

        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
    }

    [Fact]
    public async Task ListComponentVersions_NoVersionYet_EmptyList()
    {
        var versions = await Client().ListComponentVersionsAsync(FakeGreengrassV2Server.ComponentArn("com.example.New"), TestContext.Current.CancellationToken);

        Assert.Empty(versions);
        Assert.Equal("GET", Assert.Single(_server.Requests).Method);
    }

    [Fact]
    public async Task WaitForSettledState_VersionFails_ReturnsFailedWithServiceMessage()
    {
        _server.Seed("com.example.Hello", "1.0.0");
        _server.FailWithMessage = "Access denied to artifact s3://bucket/artifact.zip";
        var progress = new List<string>();

        var settled = await Client().WaitForSettledStateAsync(
            FakeGreengrassV2Server.VersionArn("com.example.Hello", "1.0.0"),
            TimeSpan.FromMilliseconds(10),
            TimeSpan.FromSeconds(10),
            new SynchronousProgress(progress),
            TestContext.Current.CancellationToken);

        Assert.Equal("FAILED", settled.Status?.ComponentState);
        Assert.Equal("Access denied to artifact s3://bucket/artifact.zip", settled.Status?.Message);
        Assert.Equal(["Component state: INITIATED", "Component state: FAILED"], progress);
    }

    [Fact]
    public async Task WaitForSettledState_NeverSettles_StopsAtTimeoutWithLastState()
    {
        _server.Seed("com.example.Hello", "1.0.0");
        _server.DescribeCallsBeforeSettled = int.MaxValue;
        var clock = new SteppedClock();

        var settled = await clock.RunAsync(() => Client(clock).WaitForSettledStateAsync(
            FakeGreengrassV2Server.VersionArn("com.example.Hello", "1.0.0"),
            TimeSpan.FromMilliseconds(20),
            TimeSpan.FromMilliseconds(200),
            cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("INITIATED", settled.Status?.ComponentState);
        Assert.InRange(_server.Requests.Count, 2, 11);
        // Polls at 0, 20, ..., 200 ms of the test's clock: the next one would end past the timeout.
        Assert.Equal(11, _server.Requests.Count);
        Assert.All(clock.Waits, w => Assert.Equal(TimeSpan.FromMilliseconds(20), w));
    }

    [Fact]
    public async Task SendAsync_ProxyAnswersHtml_ThrowsWithStatusAndText()
    {
        _server.Override = _ => new FakeReply(HttpStatusCode.BadGateway, "<html>bad gateway</html>");
        var clock = new SteppedClock();

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => clock.RunAsync(() =>
            Client(clock).DescribeComponentAsync("arn:aws:greengrass:us-east-1:1:components:x:versions:1.0.0", TestContext.Current.CancellationToken)));

        Assert.Equal("Http502", error.ErrorCode);
        Assert.Contains("<html>bad gateway</html>", error.Message, StringComparison.Ordinal);
        // A 5xx is retried (GreengrassV2RetryOptions.Default) before the last answer is reported.
        Assert.Equal(GreengrassV2RetryOptions.Default.MaxRetryAttempts + 1, _server.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_NothingListening_ThrowsUnreachableNamingEndpoint()
    {
        var endpoint = new Uri($"http://127.0.0.1:{ExternalServer.FreePort()}");
        var client = new GreengrassV2Client(_http, endpoint, "us-east-1", Credentials, TimeProvider.System);

        var error = await Assert.ThrowsAsync<AwsEndpointUnreachableException>(() =>
            client.DescribeComponentAsync("arn:aws:greengrass:us-east-1:1:components:x:versions:1.0.0", TestContext.Current.CancellationToken));

        Assert.Contains(endpoint.ToString(), error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Cannot reach GreengrassV2", error.Message, StringComparison.Ordinal);
    }

    internal static byte[] RecipeBytes(string name, string version) =>
        Encoding.UTF8.GetBytes($"RecipeFormatVersion: \"2020-01-25\"\nComponentName: {name}\nComponentVersion: \"{version}\"\nManifests:\n  - Lifecycle:\n      Run: echo hi\n");

    private GreengrassV2Client Client(TimeProvider? clock = null) => new(_http, new Uri(_server.Url), "us-east-1", Credentials, clock ?? TimeProvider.System);
}
