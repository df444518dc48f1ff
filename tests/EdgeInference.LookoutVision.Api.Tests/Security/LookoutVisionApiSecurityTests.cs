using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using EdgeInference.Aws.Signing;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Jobs;
using EdgeInference.Packaging.Store;
using EdgeInference.Testing.Packaging;
using Xunit;

namespace EdgeInference.LookoutVision.Api.Tests.Security;

/// <summary>
/// Integration (loopback, OS-assigned port, in-process HttpClient — no AWS CLI process): lookoutvision-api refuses what is
/// not signed by its key pair or not an AWS JSON body, before any route runs, and nothing is created by a refused request.
/// </summary>
public sealed class LookoutVisionApiSecurityTests : IAsyncLifetime
{
    private const string Secret = "dummy-secret";
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new();
    private PackagingStore _store = null!;
    private LookoutVisionApiHost _api = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = new PackagingStore(_temp.Combine("store"));
        await new PackagingService(_store, TimeProvider.System).CreateModelAsync("p1", SmallPackages.WriteFolder(_temp.Combine("pkg")), null, null, Token);
        _api = await LookoutVisionApiHost.StartAsync("127.0.0.1", 0, _store, new JobRunSettings(),
            new PackagingDependencies { PublisherFactory = (_, _) => new FakePublisher() }, AwsCliRunner.Security, Token);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
        _temp.Dispose();
    }

    private Uri Url(string path) => new(_api.Url, path);

    [Fact]
    public async Task Request_Unsigned_403MissingAuthenticationToken()
    {
        using var response = await _http.GetAsync(Url("/2020-11-20/projects/p1/modelpackagingjobs"), Token);

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "MissingAuthenticationTokenException");
    }

    [Fact]
    public async Task Request_SignedWithAnotherSecret_403SignatureDoesNotMatch()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url("/2020-11-20/projects/p1/modelpackagingjobs"));
        Sign(request, [], secret: "wrong-secret");

        using var response = await _http.SendAsync(request, Token);

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task Request_SignedWithTheKeyPair_Served()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url("/2020-11-20/projects/p1/modelpackagingjobs?maxResults=5"));
        Sign(request, []);

        using var response = await _http.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!["ModelPackagingJobs"]);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task StartJob_BrowserSimplePostSigned_415AndNoJob(string contentType)
    {
        var body = Encoding.UTF8.GetBytes("{\"ModelVersion\":\"1\",\"JobName\":\"from-a-web-page\",\"Configuration\":" + SmallPackages.Configuration() + "}");
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("/2020-11-20/projects/p1/modelpackagingjobs")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        Sign(request, body);

        using var response = await _http.SendAsync(request, Token);

        await AssertRefusedAsync(response, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaTypeException");
        Assert.Empty(_store.ListJobs("p1"));
    }

    [Fact]
    public async Task StartJob_CrossOriginTextPlainUnsigned_403AndNoJob()
    {
        // What a web page the operator visits can send without a preflight: a text/plain POST with no signature.
        using var content = new StringContent("{\"ModelVersion\":\"1\",\"Configuration\":" + SmallPackages.Configuration() + "}", Encoding.UTF8, "text/plain");
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("/2020-11-20/projects/p1/modelpackagingjobs")) { Content = content };
        request.Headers.Add("Origin", "https://attacker.example");

        using var response = await _http.SendAsync(request, Token);

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "MissingAuthenticationTokenException");
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Empty(_store.ListJobs("p1"));
    }

    [Fact]
    public async Task StartJob_SignedAwsJson_CreatesTheJob()
    {
        var body = Encoding.UTF8.GetBytes("{\"ModelVersion\":\"1\",\"JobName\":\"signed\",\"Configuration\":" + SmallPackages.Configuration() + "}");
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("/2020-11-20/projects/p1/modelpackagingjobs")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        Sign(request, body);

        using var response = await _http.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("signed", Assert.Single(_store.ListJobs("p1")).Description.JobName);
    }

    private static void Sign(HttpRequestMessage request, byte[] body, string secret = Secret) =>
        SigV4RequestSigner.Sign(request, body, new ImmutableCredentials(AwsCliRunner.Keys.AccessKeyId, secret, null), "us-east-1", "lookoutvision", DateTimeOffset.UtcNow);

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string errorType)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(errorType, response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var message = JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!["Message"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message));
    }
}
