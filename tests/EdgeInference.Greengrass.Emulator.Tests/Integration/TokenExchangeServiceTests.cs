using System.Net;
using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Deployments;
using EdgeInference.Greengrass.Emulator.Tes;
using EdgeInference.Greengrass.Emulator.Tests.Fakes;
using Xunit;
using static EdgeInference.Greengrass.Emulator.Tests.Fakes.DeploymentFolder;

namespace EdgeInference.Greengrass.Emulator.Tests.Integration;

/// <summary>The token exchange service over real HTTP on loopback, and an AWS SDK client (the AWS CLI v2) in a component using it.</summary>
[Collection(ProcessCollection.Name)]
public sealed class TokenExchangeServiceTests : IDisposable
{
    private static readonly TesCredentials Credentials = new() { AccessKeyId = "AKIDFROMTES", SecretAccessKey = "secret-from-tes", SessionToken = "token-from-tes" };
    private readonly DeploymentFolder _deployment = new();

    public void Dispose() => _deployment.Dispose();

    [Fact]
    public async Task Get_WithAndWithoutTheSvcuid_Is200Or403()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var token = harness.Emulator.AddComponent("com.example.A").AuthToken;
        await using var tes = await TokenExchangeService.StartAsync(harness.Emulator, Credentials, cancellationToken: TestContext.Current.CancellationToken);
        using var http = new HttpClient();

        using var anonymous = await http.GetAsync(tes.Uri, TestContext.Current.CancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, tes.Uri);
        request.Headers.TryAddWithoutValidation("Authorization", token);
        using var authorized = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = JsonNode.Parse(await authorized.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
        Assert.Equal("AKIDFROMTES", (string?)body["AccessKeyId"]);
        Assert.Equal($"/2016-11-01/credentialprovider/", tes.Uri.AbsolutePath);
        Assert.True(tes.Uri.IsLoopback);
    }

    [Fact]
    public async Task Deployment_ComponentDependingOnTes_ItsAwsCliGetsTheCredentials()
    {
        const string Aws = "/usr/bin/aws";
        if (!File.Exists(Aws))
        {
            Assert.Skip("The AWS CLI v2 (Debian awscli) is absent; tests/run.sh installs it.");
        }

        var output = Path.Combine(_deployment.Folder, "credentials.json");
        // Only the container provider may answer: no keys in the environment, no shared files, no instance metadata.
        _deployment.Recipe(RecipeOf("com.example.AwsUser", "1.0.0",
            new JsonObject
            {
                ["Run"] = $"env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE AWS_SHARED_CREDENTIALS_FILE=/nonexistent "
                    + $"AWS_CONFIG_FILE=/nonexistent AWS_EC2_METADATA_DISABLED=true {Aws} configure export-credentials --format process > {output}",
            },
            new JsonObject { ["aws.greengrass.TokenExchangeService"] = Dependency("^2.0.0") }));
        await using var harness = await EmulatorHarness.StartAsync();

        var deployment = await Deployment.CreateAsync(
            harness.Emulator,
            new LocalDeploymentRequest { RecipeDirectory = _deployment.RecipeDirectory, RootComponents = new Dictionary<string, string> { ["com.example.AwsUser"] = "1.0.0" } },
            new DeploymentOptions { RootPath = _deployment.RootPath, TesCredentials = Credentials },
            cancellationToken: TestContext.Current.CancellationToken);
        await using (deployment)
        {
            var lines = new List<string>();
            deployment.OutputReceived += (_, line) => { lock (lines) { lines.Add(line.Text); } };
            await deployment.StartAsync(TestContext.Current.CancellationToken);
            await deployment.WhenAllFinishedAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

            Assert.True(deployment.LastExitCode("com.example.AwsUser") == 0, string.Join('\n', lines));
            var credentials = JsonNode.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken))!;
            Assert.Equal(("AKIDFROMTES", "secret-from-tes", "token-from-tes"),
                ((string?)credentials["AccessKeyId"], (string?)credentials["SecretAccessKey"], (string?)credentials["SessionToken"]));
            Assert.Equal(ComponentLifecycleState.Running, harness.Emulator.GetState(BuiltinComponents.TokenExchangeService));
        }
    }
}
