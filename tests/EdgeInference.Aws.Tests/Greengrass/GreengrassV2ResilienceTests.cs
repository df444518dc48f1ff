using System.Net;
using Amazon.Runtime;
using EdgeInference.Aws.Greengrass;
using EdgeInference.Testing.Aws;
using Xunit;

namespace EdgeInference.Aws.Tests.Greengrass;

/// <summary>
/// The client's one retry policy (Polly) against the in-process GreengrassV2 fake, on a <see cref="SteppedClock"/>: every
/// backoff wait is observed and skipped, so the tests take no wall-clock time and the order of events is fixed.
/// </summary>
public sealed class GreengrassV2ResilienceTests : IAsyncLifetime
{
    private const string Arn = "arn:aws:greengrass:us-east-1:123456789012:components:com.example.Hello:versions:1.0.0";
    private static readonly BasicAWSCredentials Credentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static readonly GreengrassV2RetryOptions Retry = new() { MaxRetryAttempts = 3, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(8) };
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly SteppedClock _clock = new();
    private FakeGreengrassV2Server _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeGreengrassV2Server.StartAsync();
        _server.Seed("com.example.Hello", "1.0.0");
        _server.DescribeCallsBeforeSettled = 0;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Describe_ThrottledTwiceThenAnswered_RetriesWithBackoffAndSucceeds()
    {
        var answered = 0;
        _server.Override = _ => Interlocked.Increment(ref answered) <= 2
            ? new FakeReply(HttpStatusCode.TooManyRequests, "{\"message\":\"Rate exceeded\"}", "ThrottlingException")
            : null;

        var description = await _clock.RunAsync(() => Client().DescribeComponentAsync(Arn, TestContext.Current.CancellationToken));

        Assert.Equal("DEPLOYABLE", description.Status?.ComponentState);
        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal(2, _clock.Waits.Count);
        Assert.All(_clock.Waits, w => Assert.InRange(w, TimeSpan.FromTicks(1), Retry.MaxDelay));
        // Each attempt is signed anew, at the clock's time of that attempt.
        var expected = new[] { TimeSpan.Zero, _clock.Waits[0], _clock.Waits[0] + _clock.Waits[1] }
            .Select(elapsed => (SteppedClock.Start + elapsed).ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, _server.Requests.Select(r => r.Header("X-Amz-Date")));
        Assert.All(_server.Requests, r => Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", r.Header("Authorization"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Describe_ServerErrorEveryTime_GivesUpAfterMaxRetriesWithTheLastError()
    {
        _server.Override = _ => new FakeReply(HttpStatusCode.ServiceUnavailable, "{\"message\":\"try later\"}", "ServiceUnavailableException");

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => _clock.RunAsync(() => Client().DescribeComponentAsync(Arn, TestContext.Current.CancellationToken)));

        Assert.Equal("ServiceUnavailableException", error.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(Retry.MaxRetryAttempts + 1, _server.Requests.Count);
        Assert.Equal(Retry.MaxRetryAttempts, _clock.Waits.Count);
        Assert.All(_clock.Waits, w => Assert.InRange(w, TimeSpan.FromTicks(1), Retry.MaxDelay));
    }

    [Fact]
    public async Task Describe_ThrottlingExceptionWith400_Retried()
    {
        var answered = 0;
        _server.Override = _ => Interlocked.Increment(ref answered) == 1
            ? new FakeReply(HttpStatusCode.BadRequest, "{\"message\":\"Rate exceeded\"}", "ThrottlingException")
            : null;

        var description = await _clock.RunAsync(() => Client().DescribeComponentAsync(Arn, TestContext.Current.CancellationToken));

        Assert.Equal(Arn, description.Arn);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "ResourceNotFoundException")]
    [InlineData(HttpStatusCode.Conflict, "ConflictException")]
    [InlineData(HttpStatusCode.BadRequest, "ValidationException")]
    [InlineData(HttpStatusCode.Forbidden, "AccessDeniedException")]
    public async Task Describe_ClientError_NotRetried(HttpStatusCode status, string errorType)
    {
        _server.Override = _ => new FakeReply(status, "{\"message\":\"no\"}", errorType);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => _clock.RunAsync(() => Client().DescribeComponentAsync(Arn, TestContext.Current.CancellationToken)));

        Assert.Equal(errorType, error.ErrorCode);
        Assert.Single(_server.Requests);
        Assert.Empty(_clock.Waits);
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData("120", 8)]
    public async Task Describe_RetryAfterHeader_WaitsThatLongWithinTheCap(string retryAfter, int expectedSeconds)
    {
        var answered = 0;
        _server.Override = _ => Interlocked.Increment(ref answered) == 1
            ? new FakeReply(HttpStatusCode.TooManyRequests, "{\"message\":\"slow down\"}", "ThrottlingException") { RetryAfter = retryAfter }
            : null;

        await _clock.RunAsync(() => Client().DescribeComponentAsync(Arn, TestContext.Current.CancellationToken));

        Assert.Equal([TimeSpan.FromSeconds(expectedSeconds)], _clock.Waits);
    }

    [Fact]
    public async Task CreateComponentVersion_ThrottledOnce_ResendsTheSameBodyAndClientToken()
    {
        var answered = 0;
        _server.Override = r => r.Method == "POST" && Interlocked.Increment(ref answered) == 1
            ? new FakeReply(HttpStatusCode.TooManyRequests, "{\"message\":\"Rate exceeded\"}", "ThrottlingException")
            : null;
        var recipe = GreengrassV2ClientTests.RecipeBytes("com.example.Retried", "2.0.0");

        var created = await _clock.RunAsync(() => Client().CreateComponentVersionAsync(recipe, "idempotent-1", null, TestContext.Current.CancellationToken));

        Assert.Equal(FakeGreengrassV2Server.VersionArn("com.example.Retried", "2.0.0"), created.Arn);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(_server.Requests[0].Body, _server.Requests[1].Body);
        Assert.Contains("\"clientToken\": \"idempotent-1\"", System.Text.Encoding.UTF8.GetString(_server.Requests[1].Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_NoRetryOptions_FirstAnswerIsFinal()
    {
        _server.Override = _ => new FakeReply(HttpStatusCode.TooManyRequests, "{\"message\":\"Rate exceeded\"}", "ThrottlingException");
        var client = new GreengrassV2Client(_http, new Uri(_server.Url), "us-east-1", Credentials, _clock, GreengrassV2RetryOptions.None);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => _clock.RunAsync(() => client.DescribeComponentAsync(Arn, TestContext.Current.CancellationToken)));

        Assert.Equal("ThrottlingException", error.ErrorCode);
        Assert.Single(_server.Requests);
    }

    private GreengrassV2Client Client() => new(_http, new Uri(_server.Url), "us-east-1", Credentials, _clock, Retry);
}
