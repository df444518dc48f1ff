using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator;
using EdgeInference.Greengrass.Ipc;
using EdgeInference.Greengrass.Ipc.Model;

namespace EdgeInference.Bench;

/// <summary>
/// The IPC path, measured the way the MQTT one is: an in-process nucleus emulator, the worker spawned under it as
/// a Greengrass component (<c>Transport=ipc</c>), and a second component as the client publishing raw images on
/// the local request topic and reading <c>Topics:Result</c>.
/// </summary>
public sealed class IpcEndToEndBenchmark : IAsyncDisposable
{
    public const string WorkerComponent = "com.example.EdgeInference";
    private const string ClientComponent = "com.example.BenchClient";
    private const string RequestTopic = "edge-inference/local/infer";
    private const string ResultTopic = "edge-inference/local/result";

    private readonly string _folder;
    private readonly NucleusEmulator _emulator;
    private readonly GreengrassIpcClient _client;
    private readonly SpawnedWorker _worker;

    private IpcEndToEndBenchmark(string folder, NucleusEmulator emulator, GreengrassIpcClient client, SpawnedWorker worker)
    {
        _folder = folder;
        _emulator = emulator;
        _client = client;
        _worker = worker;
    }

    public SpawnedWorker Worker => _worker;

    public static async Task<IpcEndToEndBenchmark> StartAsync(string workerPath, IReadOnlyList<string> workerArguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("ei-bench-").FullName;
        var emulator = new NucleusEmulator(new NucleusEmulatorOptions { SocketPath = Path.Combine(folder, "ipc.socket") });
        await emulator.StartAsync(cancellationToken).ConfigureAwait(false);
        var worker = emulator.AddComponent(WorkerComponent, new JsonObject { ["accessControl"] = Policies(WorkerComponent) });
        var client = emulator.AddComponent(ClientComponent, new JsonObject { ["accessControl"] = Policies(ClientComponent) });
        var spawned = await SpawnedWorker.StartUnderNucleusAsync(
            workerPath,
            [$"--GreengrassIpc:SocketPath={emulator.SocketPath}", $"--GreengrassIpc:AuthToken={worker.AuthToken}", .. workerArguments],
            async process =>
            {
                using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bound.CancelAfter(timeout);
                await emulator.WaitForStateAsync(WorkerComponent, ComponentLifecycleState.Running, bound.Token).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        var ipc = new GreengrassIpcClient(new GreengrassIpcOptions { SocketPath = emulator.SocketPath, AuthToken = client.AuthToken, AutoReconnect = false });
        await ipc.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return new IpcEndToEndBenchmark(folder, emulator, ipc, spawned);
    }

    /// <summary>One request at a time (a binary request's reply goes to Topics:Result, so one in flight keeps them paired).</summary>
    public async Task<EndToEndSamples> MeasureUnloadedAsync(byte[] image, TimeSpan duration, int maxRequests, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var results = await _client.SubscribeToTopicRawAsync(ResultTopic, cancellationToken: cancellationToken).ConfigureAwait(false);
        await RequestAsync(image, results, timeout, cancellationToken).ConfigureAwait(false);
        var samples = new EndToEndSamples([], [], [], 0, 0, null, 0);
        var latencies = samples.Latencies;
        var errors = 0;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        while (latencies.Count + errors < maxRequests && Stopwatch.GetElapsedTime(started) < duration)
        {
            var t = Stopwatch.GetTimestamp();
            var reply = await RequestAsync(image, results, timeout, cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            if (StageSample.FromReply(elapsed, reply) is { } stages)
            {
                latencies.Add(elapsed);
                samples.WorkerTotals.Add(stages.TotalMs);
                samples.WorkerInference.Add(stages.InferenceMs);
                samples.Stages.Add(stages);
            }
            else
            {
                errors++;
                firstError ??= reply.ToString();
            }
        }

        return samples with { Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds, Errors = errors, FirstError = firstError };
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
        await _emulator.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>Publishes the image and reads the reply: one parse of its text, as the MQTT client parses its reply.</summary>
    private async Task<JsonElement> RequestAsync(byte[] image, IpcSubscription<RawTopicMessage> results, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        await _client.PublishToTopicAsync(RequestTopic, image, bound.Token).ConfigureAwait(false);
        var message = await results.Events.ReadAsync(bound.Token).ConfigureAwait(false);
        using var document = JsonDocument.Parse(message.Message.IsEmpty ? "{}"u8.ToArray() : message.Message);
        return document.RootElement.Clone();
    }

    private static JsonObject Policies(string component)
    {
        JsonObject Policy(string service, params string[] operations) => new()
        {
            [$"{component}:{service}:bench"] = new JsonObject
            {
                ["policyDescription"] = "edge-inference bench",
                ["operations"] = new JsonArray([.. operations.Select(o => (JsonNode)o)]),
                ["resources"] = new JsonArray("edge-inference/*"),
            },
        };

        return new JsonObject
        {
            ["aws.greengrass.ipc.pubsub"] = Policy("aws.greengrass.ipc.pubsub", "aws.greengrass#PublishToTopic", "aws.greengrass#SubscribeToTopic"),
        };
    }
}
