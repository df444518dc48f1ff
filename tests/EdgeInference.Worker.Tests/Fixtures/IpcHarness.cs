using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using EdgeInference.Greengrass.Emulator;
using EdgeInference.Greengrass.Ipc;
using EdgeInference.Greengrass.Ipc.Model;
using EdgeInference.Testing;
using EdgeInference.Worker.Greengrass;
using Xunit;

namespace EdgeInference.Worker.Tests.Fixtures;

/// <summary>
/// A <see cref="NucleusEmulator"/> on a temp socket, the worker registered with it as a component and started in this
/// process over Greengrass IPC (its socket and token passed as GreengrassIpc options, never the process environment),
/// and a second component, the camera, with a .NET IPC client.
/// </summary>
internal sealed class IpcHarness : IAsyncDisposable
{
    public const string WorkerComponent = "com.example.EdgeInference";
    public const string CameraComponent = "com.example.Camera";
    public const string RequestTopic = "edge-inference/test/infer";
    public const string ResultTopic = "edge-inference/test/result";
    public const string DescribeTopic = "edge-inference/test/describe";
    public const string StatusTopic = "edge-inference/test/status";

    private readonly List<IAsyncDisposable> _owned = [];

    private IpcHarness(string folder, NucleusEmulator emulator)
    {
        Folder = folder;
        Emulator = emulator;
    }

    public string Folder { get; }

    public NucleusEmulator Emulator { get; }

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public static async Task<IpcHarness> StartAsync(Action<NucleusEmulatorOptions>? configure = null)
    {
        var folder = Directory.CreateTempSubdirectory("ei-ipc-").FullName;
        var options = new NucleusEmulatorOptions { SocketPath = Path.Combine(folder, "ipc.socket"), ThingName = "test-core" };
        configure?.Invoke(options);
        var emulator = new NucleusEmulator(options);
        await emulator.StartAsync(Token);
        return new IpcHarness(folder, emulator);
    }

    /// <summary>The worker's component configuration, shaped like the recipe's DefaultConfiguration.</summary>
    public static JsonObject WorkerConfiguration(string modelPath, string target = "local", JsonObject? accessControl = null) => new()
    {
        ["Model"] = new JsonObject { ["Path"] = modelPath, ["Accelerator"] = "cpu", ["IntraOpThreads"] = "1" },
        ["ThingName"] = "test",
        ["Ipc"] = new JsonObject { ["Target"] = target },
        ["Limits"] = new JsonObject { ["MaxConcurrentRequests"] = "2", ["MaxQueue"] = "64" },
        ["accessControl"] = accessControl ?? Policies(WorkerComponent, "edge-inference/*", "camera/*", "test/*"),
    };

    public static JsonObject Policies(string component, params string[] resources)
    {
        JsonObject Policy(string service, params string[] operations) => new()
        {
            [$"{component}:{service}:1"] = new JsonObject
            {
                ["policyDescription"] = "test policy",
                ["operations"] = new JsonArray([.. operations.Select(o => (JsonNode)o)]),
                ["resources"] = new JsonArray([.. resources.Select(r => (JsonNode)r)]),
            },
        };

        return new JsonObject
        {
            ["aws.greengrass.ipc.pubsub"] = Policy("aws.greengrass.ipc.pubsub", "aws.greengrass#PublishToTopic", "aws.greengrass#SubscribeToTopic"),
            ["aws.greengrass.ipc.mqttproxy"] = Policy("aws.greengrass.ipc.mqttproxy", "aws.greengrass#PublishToIoTCore", "aws.greengrass#SubscribeToIoTCore"),
        };
    }

    /// <summary>Registers the worker component and starts the worker on it (optionally through another socket path, e.g. a relay).</summary>
    public async Task<InProcessWorker> StartWorkerAsync(JsonObject configuration, string? socketPath = null, IDictionary<string, string?>? overrides = null)
    {
        var registration = Emulator.AddComponent(WorkerComponent, configuration);
        return await StartRegisteredWorkerAsync(registration.AuthToken, socketPath, overrides);
    }

    public async Task<InProcessWorker> StartRegisteredWorkerAsync(string authToken, string? socketPath = null, IDictionary<string, string?>? overrides = null)
    {
        var path = socketPath ?? Emulator.SocketPath;
        var settings = new Dictionary<string, string?>
        {
            ["Transport"] = "ipc",
            ["GreengrassIpc:SocketPath"] = path,
            ["GreengrassIpc:AuthToken"] = authToken,
            ["GreengrassIpc:ReconnectMinDelay"] = "00:00:00.100",
            ["GreengrassIpc:ReconnectMaxDelay"] = "00:00:00.500",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var worker = await InProcessWorker.StartAsync(
            settings,
            Token,
            sources => sources.Add(new GreengrassConfigurationSource { IpcOptions = new GreengrassIpcOptions { SocketPath = path, AuthToken = authToken } }));
        _owned.Add(worker);
        return worker;
    }

    /// <summary>Registers the camera component (pub/sub on edge-inference/* and camera/*) and connects it.</summary>
    public async Task<GreengrassIpcClient> ConnectCameraAsync()
    {
        var registration = Emulator.AddComponent(CameraComponent, new JsonObject { ["accessControl"] = Policies(CameraComponent, "edge-inference/*", "camera/*") });
        var client = new GreengrassIpcClient(new GreengrassIpcOptions
        {
            SocketPath = Emulator.SocketPath,
            AuthToken = registration.AuthToken,
            AutoReconnect = false,
            RequestTimeout = TimeSpan.FromSeconds(10),
        });
        _owned.Add(client);
        await client.ConnectAsync(Token);
        return client;
    }

    /// <summary>The next JSON message on <paramref name="subscription"/> that matches, within a bounded time.</summary>
    public static async Task<JsonElement> NextJsonAsync(
        IpcSubscription<SubscriptionResponseMessage> subscription, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Token);
        bound.CancelAfter(timeout ?? TimeSpan.FromSeconds(20));
        for (var i = 0; i < 1000; i++)
        {
            var message = await subscription.Events.ReadAsync(bound.Token);
            var json = message.JsonMessage?.Message is { } obj
                ? JsonDocument.Parse(obj.ToJsonString()).RootElement.Clone()
                : JsonDocument.Parse(message.BinaryMessage?.Message ?? "{}"u8.ToArray()).RootElement.Clone();
            if (match is null || match(json))
            {
                return json;
            }
        }

        throw new TimeoutException("No matching message among the first 1000.");
    }

    /// <summary>True when nothing arrives within <paramref name="window"/>.</summary>
    public static async Task<bool> StaysEmptyAsync<T>(ChannelReader<T> reader, TimeSpan window)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Token);
        bound.CancelAfter(window);
        try
        {
            await reader.WaitToReadAsync(bound.Token);
            return false;
        }
        catch (OperationCanceledException) when (!Token.IsCancellationRequested)
        {
            return true;
        }
    }

    public static JsonObject JsonRequest(string requestId, byte[] image, string? replyTo = null)
    {
        var request = new JsonObject { ["RequestId"] = requestId, ["Image"] = Convert.ToBase64String(image) };
        if (replyTo is not null)
        {
            request["ReplyTo"] = replyTo;
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        await Emulator.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
