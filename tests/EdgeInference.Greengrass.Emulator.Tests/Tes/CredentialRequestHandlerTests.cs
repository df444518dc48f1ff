using System.Text;
using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Tes;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Tes;

/// <summary>tes/CredentialRequestHandler's answers, in its order.</summary>
public sealed class CredentialRequestHandlerTests
{
    private const string Path = CredentialRequestHandler.CredentialsPath;
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly TesCredentials Credentials = new() { AccessKeyId = "AKIDEXAMPLE", SecretAccessKey = "secret", SessionToken = "token" };

    [Theory]
    [InlineData("GET", "/other", "SVC", 404)]
    [InlineData("POST", Path, "SVC", 405)]
    [InlineData("GET", Path + "x", "SVC", 400)]
    [InlineData("GET", Path, null, 403)]
    [InlineData("GET", Path, "UNKNOWN", 403)]
    [InlineData("GET", Path, "SVC", 200)]
    public void Handle_Request_GetsTheNucleusStatus(string method, string path, string? token, int status) =>
        Assert.Equal(status, Handle(method, path, token, Credentials).StatusCode);

    [Fact]
    public void Handle_AuthenticatedRequest_GetsTheContainerCredentialsShape()
    {
        var response = Handle("GET", Path, "SVC", Credentials);

        var body = JsonNode.Parse(response.Body)!.AsObject();
        Assert.Equal(["AccessKeyId", "Expiration", "SecretAccessKey", "Token"], body.Select(p => p.Key).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(("AKIDEXAMPLE", "secret", "token"), ((string?)body["AccessKeyId"], (string?)body["SecretAccessKey"], (string?)body["Token"]));
        Assert.Equal("2026-01-02T04:04:05Z", (string?)body["Expiration"]);
    }

    [Fact]
    public void Handle_ErrorStatuses_HaveNoBody() =>
        Assert.Empty(Handle("GET", Path, "UNKNOWN", Credentials).Body);

    [Fact]
    public void Handle_NoCredentials_Is500WithTheNucleusText()
    {
        var response = Handle("GET", Path, "SVC", null);

        Assert.Equal((500, "Failed to get credentials from TES"), (response.StatusCode, Encoding.UTF8.GetString(response.Body)));
    }

    [Fact]
    public void Handle_ExpiredCredentials_Is500WithTheNucleusText()
    {
        var expired = new TesCredentials { AccessKeyId = "A", SecretAccessKey = "S", Expiration = Now.AddMinutes(-1) };

        var response = Handle("GET", Path, "SVC", expired);

        Assert.Equal((500, "TES responded with credentials that expired at 2026-01-02T03:03:05Z"), (response.StatusCode, Encoding.UTF8.GetString(response.Body)));
    }

    private static TesResponse Handle(string method, string path, string? token, TesCredentials? credentials) =>
        CredentialRequestHandler.Handle(method, path, token, t => t == "SVC" ? "com.example.A" : null, credentials, Now);
}
