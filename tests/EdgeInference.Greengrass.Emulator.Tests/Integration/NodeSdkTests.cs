using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Tests.Fakes;
using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Integration;

/// <summary>
/// Proof that the emulator speaks real Greengrass IPC: the official npm SDK client (native aws-crt event-stream code)
/// connects with SVCUID, subscribes, publishes binary and JSON, receives them and a .NET client's message, and gets
/// modelled errors.
/// </summary>
public sealed class NodeSdkTests
{
    private const string Component = "com.example.NodeComponent";
    private const string Topic = "sdk/test";

    [Fact]
    public async Task NpmGreengrassClient_ConnectSubscribePublishAndErrors_WorkAgainstTheEmulator()
    {
        var sdk = Path.Combine(RepoPaths.NodeModules, "aws-iot-device-sdk-v2");
        var node = new[] { "/usr/bin/node", "/usr/local/bin/node" }.FirstOrDefault(File.Exists);
        if (node is null || !Directory.Exists(sdk))
        {
            Assert.Skip("node or tests/node/node_modules/aws-iot-device-sdk-v2 is absent (tests/run.sh installs them).");
        }

        var token = TestContext.Current.CancellationToken;
        await using var harness = await EmulatorHarness.StartAsync();
        var configuration = EmulatorHarness.Policy(Component, "aws.greengrass.ipc.pubsub", ["aws.greengrass#PublishToTopic", "aws.greengrass#SubscribeToTopic"], "sdk/*");
        configuration["Greeting"] = "hi";
        var registration = harness.Emulator.AddComponent(Component, configuration);
        var dotnet = await harness.ConnectAsync("com.example.DotNet", EmulatorHarness.Policy("com.example.DotNet", "aws.greengrass.ipc.pubsub", ["*"], "*"));
        await using var dotnetSubscription = await dotnet.SubscribeToTopicAsync(Topic, cancellationToken: token);

        var startInfo = new ProcessStartInfo(node, [Path.Combine(AppContext.BaseDirectory, "Npm", "ipc-client.js")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        startInfo.Environment["NODE_PATH"] = RepoPaths.NodeModules;
        startInfo.Environment["AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT"] = harness.Emulator.SocketPath;
        startInfo.Environment["SVCUID"] = registration.AuthToken;
        startInfo.Environment["IPC_TEST_TOPIC"] = Topic;
        startInfo.Environment["IPC_TEST_DENIED_TOPIC"] = "forbidden/topic";
        using var process = Process.Start(startInfo)!;
        var stderr = process.StandardError.ReadToEndAsync(token);
        try
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(token);
            bound.CancelAfter(TimeSpan.FromSeconds(40));
            Assert.Equal("READY", await process.StandardOutput.ReadLineAsync(bound.Token));
            await dotnet.PublishToTopicAsync(Topic, new JsonObject { ["from"] = "dotnet" }, token);
            await process.StandardInput.WriteLineAsync("GO");
            await process.StandardInput.FlushAsync(token);

            string? resultLine = null;
            while (await process.StandardOutput.ReadLineAsync(bound.Token) is { } line)
            {
                if (line.StartsWith("RESULT ", StringComparison.Ordinal))
                {
                    resultLine = line["RESULT ".Length..];
                }
            }

            await process.WaitForExitAsync(bound.Token);
            Assert.True(process.ExitCode == 0 && resultLine is not null, $"node exited with {process.ExitCode}: {await stderr}");
            var result = JsonNode.Parse(resultLine)!;

            var received = result["received"]!.AsArray();
            Assert.Contains(received, m => (string?)m!["kind"] == "binary" && (string?)m["text"] == "hello from node" && (string?)m["topic"] == Topic);
            Assert.Contains(received, m => (string?)m!["kind"] == "json" && (int?)m["message"]?["n"] == 42 && (string?)m["topic"] == Topic);
            Assert.Contains(received, m => (string?)m!["kind"] == "json" && (string?)m["message"]?["from"] == "dotnet");

            var denied = result["denied"]!["serviceError"]!;
            Assert.Equal(
                $"Principal {Component} is not authorized to perform aws.greengrass.ipc.pubsub:aws.greengrass#PublishToTopic on resource forbidden/topic",
                (string?)denied["message"]);
            Assert.Equal("UnauthorizedError", (string?)denied["_errorCode"]);
            Assert.Equal("Key not found", (string?)result["unknownKey"]!["serviceError"]!["message"]);
            Assert.Equal("hi", (string?)result["configuration"]!["value"]!["Greeting"]);
            Assert.Equal(ComponentLifecycleState.Running, harness.Emulator.GetState(Component));

            // And the .NET subscriber received what the npm client published.
            var fromNode = new[] { await Bounded.ReadAsync(dotnetSubscription.Events), await Bounded.ReadAsync(dotnetSubscription.Events), await Bounded.ReadAsync(dotnetSubscription.Events) };
            Assert.Contains(fromNode, m => m.BinaryMessage?.Message is { } bytes && System.Text.Encoding.UTF8.GetString(bytes) == "hello from node");
            Assert.Contains(fromNode, m => (int?)m.JsonMessage?.Message?["n"] == 42);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
