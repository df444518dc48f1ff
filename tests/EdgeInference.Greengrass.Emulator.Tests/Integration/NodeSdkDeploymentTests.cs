using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Deployments;
using EdgeInference.Greengrass.Emulator.Tests.Fakes;
using EdgeInference.Testing;
using Xunit;
using static EdgeInference.Greengrass.Emulator.Tests.Fakes.DeploymentFolder;

namespace EdgeInference.Greengrass.Emulator.Tests.Integration;

/// <summary>
/// A user's own component in another language joins a deployment as just another recipe: two components written with
/// the official npm SDK (aws-iot-device-sdk-v2), deployed from their recipes with a HARD dependency, configured through
/// --update-config and cross-component variables, talking over local pub/sub.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class NodeSdkDeploymentTests : IDisposable
{
    private readonly DeploymentFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Deployment_NpmSdkComponents_TalkOverLocalPubSub_InDependencyOrder()
    {
        var node = new[] { "/usr/bin/node", "/usr/local/bin/node" }.FirstOrDefault(File.Exists);
        if (node is null || !Directory.Exists(Path.Combine(RepoPaths.NodeModules, "aws-iot-device-sdk-v2")))
        {
            Assert.Skip("node or tests/node/node_modules/aws-iot-device-sdk-v2 is absent (tests/run.sh installs them).");
        }

        var token = TestContext.Current.CancellationToken;
        _folder.ArtifactFrom("com.example.Responder", "1.0.0", Path.Combine(AppContext.BaseDirectory, "Npm", "responder.js"));
        _folder.ArtifactFrom("com.example.Camera", "1.0.0", Path.Combine(AppContext.BaseDirectory, "Npm", "camera.js"));
        _folder.Recipe(RecipeOf("com.example.Responder", "1.0.0",
            new JsonObject
            {
                ["Setenv"] = new JsonObject
                {
                    ["NODE_PATH"] = "{configuration:/NodePath}",
                    ["REQUEST_TOPIC"] = "{configuration:/Topics/Request}",
                    ["REPLY_TOPIC"] = "{configuration:/Topics/Reply}",
                },
                ["Startup"] = "exec {configuration:/Node} {artifacts:path}/responder.js",
            },
            defaultConfiguration: new JsonObject
            {
                ["Node"] = "node",
                ["NodePath"] = string.Empty,
                ["Topics"] = new JsonObject { ["Request"] = "demo/requests", ["Reply"] = "demo/replies" },
                ["accessControl"] = PubSubPolicy("com.example.Responder", "demo/*"),
            },
            artifacts: [new JsonObject { ["URI"] = "s3://bucket/com.example.Responder/1.0.0/responder.js" }]));
        _folder.Recipe(RecipeOf("com.example.Camera", "1.0.0",
            new JsonObject
            {
                ["Setenv"] = new JsonObject
                {
                    ["NODE_PATH"] = "{configuration:/NodePath}",
                    ["REQUEST_TOPIC"] = "{com.example.Responder:configuration:/Topics/Request}",
                    ["REPLY_TOPIC"] = "{com.example.Responder:configuration:/Topics/Reply}",
                },
                ["Run"] = "exec {configuration:/Node} {artifacts:path}/camera.js",
            },
            new JsonObject { ["com.example.Responder"] = Dependency(">=1.0.0 <2.0.0") },
            new JsonObject
            {
                ["Node"] = "node",
                ["NodePath"] = string.Empty,
                ["accessControl"] = PubSubPolicy("com.example.Camera", "demo/*"),
            },
            [new JsonObject { ["URI"] = "s3://bucket/com.example.Camera/1.0.0/camera.js" }]));
        var machine = new JsonObject { ["MERGE"] = new JsonObject { ["Node"] = node, ["NodePath"] = RepoPaths.NodeModules } };
        await using var harness = await EmulatorHarness.StartAsync();

        var deployment = await Deployment.CreateAsync(
            harness.Emulator,
            new LocalDeploymentRequest
            {
                RecipeDirectory = _folder.RecipeDirectory,
                ArtifactDirectory = _folder.ArtifactDirectory,
                RootComponents = new Dictionary<string, string> { ["com.example.Camera"] = "1.0.0", ["com.example.Responder"] = "1.0.0" },
                ConfigurationUpdates = ConfigurationUpdate.ParseAll(new JsonObject { ["com.example.Camera"] = machine.DeepClone(), ["com.example.Responder"] = machine.DeepClone() }.ToJsonString()),
            },
            new DeploymentOptions { RootPath = _folder.RootPath },
            cancellationToken: token);
        await using (deployment)
        {
            var lines = new List<string>();
            deployment.OutputReceived += (_, line) => { lock (lines) { lines.Add($"[{line.ComponentName} {line.Step}] {line.Text}"); } };
            await deployment.StartAsync(token).WaitAsync(TimeSpan.FromSeconds(60), token);
            await harness.Emulator.WaitForStateAsync("com.example.Camera", ComponentLifecycleState.Finished, token).WaitAsync(TimeSpan.FromSeconds(60), token);

            string Output()
            {
                lock (lines)
                {
                    return string.Join('\n', lines);
                }
            }

            Assert.True(deployment.LastExitCode("com.example.Camera") == 0, Output());
            var resultLine = Output().Split('\n').Single(l => l.StartsWith("[com.example.Camera Run] RESULT ", StringComparison.Ordinal));
            var result = JsonNode.Parse(resultLine["[com.example.Camera Run] RESULT ".Length..])!;
            Assert.Equal(("cam-1", "frame 42", "com.example.Responder"), ((string?)result["id"], (string?)result["echo"], (string?)result["by"]));
            var changes = harness.Emulator.StateChanges;
            var responderRunning = changes.First(c => c.ComponentName == "com.example.Responder" && c.State == ComponentLifecycleState.Running);
            Assert.Equal(StateChangeSource.UpdateState, responderRunning.Source);
            Assert.True(changes.ToList().IndexOf(responderRunning) < changes.ToList().FindIndex(c => c.ComponentName == "com.example.Camera" && c.State == ComponentLifecycleState.Starting));
        }
    }

    private static JsonObject PubSubPolicy(string component, string resource) => new()
    {
        ["aws.greengrass.ipc.pubsub"] = new JsonObject
        {
            [$"{component}:pubsub:1"] = new JsonObject
            {
                ["policyDescription"] = "Demo topics.",
                ["operations"] = new JsonArray("aws.greengrass#PublishToTopic", "aws.greengrass#SubscribeToTopic"),
                ["resources"] = new JsonArray(resource),
            },
        },
    };
}
