using System.Diagnostics;
using System.Text.Json;
using EdgeInference.Testing;
using EdgeInference.Worker.Tests.Fixtures;
using Xunit;

namespace EdgeInference.Worker.Tests.Heads;

/// <summary>The worker against a real mosquitto broker, with MQTTnet and the mosquitto command-line clients as peers.</summary>
public sealed class MosquittoTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> External(MosquittoBroker broker, string thing = "test") => new()
    {
        ["Mqtt:Host"] = "127.0.0.1",
        ["Mqtt:Port"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ThingName"] = thing,
    };

    [Fact]
    public async Task Request_ThroughMosquitto_RepliesOnResponseTopicWithCorrelation()
    {
        await using var broker = await MosquittoBroker.StartAsync(Token);
        await using var worker = await InProcessWorker.StartAsync(External(broker), Token);
        await using var client = await TestMqttClient.ConnectAsync(broker.Port, cancellationToken: Token);

        var reply = await client.RequestAsync("edge-inference/test/infer", TestImages.Solid(64, 64, (250, 10, 10), ".jpg"), Token);

        Assert.Equal("red", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
    }

    [Fact]
    public async Task MosquittoClients_Mqtt311RawImage_ResultOnResultTopic_AndV5ResponseTopicHonoured()
    {
        await using var broker = await MosquittoBroker.StartAsync(Token);
        await using var worker = await InProcessWorker.StartAsync(External(broker), Token);
        var image = Path.Combine(Directory.CreateTempSubdirectory().FullName, "blue.png");
        await File.WriteAllBytesAsync(image, TestImages.Solid(30, 30, (0, 0, 255)), Token);

        var result = await SubscribeOnceAsync($"-p {broker.Port} -h 127.0.0.1 -V mqttv311 -t edge-inference/test/result", publishWhenSubscribed: async () =>
            await RunAsync("mosquitto_pub", $"-p {broker.Port} -h 127.0.0.1 -V mqttv311 -t edge-inference/test/infer -f {image}"));
        var v5 = await SubscribeOnceAsync($"-p {broker.Port} -h 127.0.0.1 -V mqttv5 -t my/replies -F %D|%p", publishWhenSubscribed: async () =>
            await RunAsync("mosquitto_pub", $"-p {broker.Port} -h 127.0.0.1 -V mqttv5 -t edge-inference/test/infer -f {image} -D publish response-topic my/replies -D publish correlation-data abc123"));

        Assert.Equal("blue", JsonDocument.Parse(result).RootElement.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        var separator = v5.IndexOf('|', StringComparison.Ordinal);
        Assert.Equal("abc123", v5[..separator]);
        Assert.Equal("blue", JsonDocument.Parse(v5[(separator + 1)..]).RootElement.GetProperty("Classifications")[0].GetProperty("Label").GetString());
    }

    [Fact]
    public async Task SharedGroup_TwoWorkers_ConcurrentRequests_SplitAndEachAnsweredExactlyOnce()
    {
        await using var broker = await MosquittoBroker.StartAsync(Token);
        var settings = External(broker);
        settings["Mqtt:SharedGroup"] = "line1";
        settings["Mqtt:ClientId"] = "worker-a";
        await using var first = await InProcessWorker.StartAsync(settings, Token);
        settings["Mqtt:ClientId"] = "worker-b";
        await using var second = await InProcessWorker.StartAsync(settings, Token);
        await using var client = await TestMqttClient.ConnectAsync(broker.Port, cancellationToken: Token);
        const string replies = "test/replies/exactly-once";
        await client.SubscribeAsync(replies, Token);
        var image = TestImages.Solid(8, 8, (0, 0, 255));
        const int count = 40;

        // All in flight at once: each with its own correlation data.
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            client.PublishAsync("edge-inference/test/infer", image, replies, BitConverter.GetBytes(i), Token)));
        var answered = new Dictionary<int, int>();
        for (var i = 0; i < count; i++)
        {
            var reply = await client.WaitAsync(m => m.Topic == replies, TimeSpan.FromSeconds(30), Token);
            Assert.Equal("blue", TestMqttClient.Json(reply).GetProperty("Classifications")[0].GetProperty("Label").GetString());
            var id = BitConverter.ToInt32(reply.CorrelationData);
            answered[id] = answered.GetValueOrDefault(id) + 1;
        }

        static long Served(InProcessWorker w) => ((EdgeInference.Worker.Status.WorkerState)w.Services.GetService(typeof(EdgeInference.Worker.Status.WorkerState))!).Counters.Served;
        // Every request answered once (40 replies, 40 distinct ids), and run once: the workers ran 40 between them, no more.
        Assert.Equal(Enumerable.Range(0, count), answered.Keys.Order());
        Assert.All(answered.Values, n => Assert.Equal(1, n));
        Assert.Equal(count, Served(first) + Served(second));
        Assert.True(Served(first) > 0 && Served(second) > 0, $"split {Served(first)}/{Served(second)}");
    }

    private static async Task<string> RunAsync(string file, string arguments)
    {
        var result = await ExternalTool.RunAsync(file, arguments.Split(' '), timeout: TimeSpan.FromSeconds(20), cancellationToken: Token);
        Assert.True(result.ExitCode == 0, $"{file} {arguments} exited {result.ExitCode}: {result.Stderr}");
        return result.Stdout.Trim();
    }

    /// <summary>
    /// mosquitto_sub for one message; <paramref name="publishWhenSubscribed"/> runs once mosquitto_sub's debug output
    /// says its SUBACK arrived (not after a guessed delay). Returns the message line.
    /// </summary>
    private static async Task<string> SubscribeOnceAsync(string arguments, Func<Task> publishWhenSubscribed)
    {
        // stdbuf: line-buffered stdout, so the SUBACK line arrives when mosquitto_sub prints it, not at exit.
        var info = new ProcessStartInfo("stdbuf", $"-oL mosquitto_sub {arguments} -C 1 -W 15 -d") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var lines = new List<string>();
        var published = false;
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            lines.Add(line);
            if (!published && line.Contains("received SUBACK", StringComparison.Ordinal))
            {
                published = true;
                await publishWhenSubscribed();
            }
        }

        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"mosquitto_sub {arguments} exited {process.ExitCode}: {string.Join('\n', lines)} {await process.StandardError.ReadToEndAsync(Token)}");
        var publish = lines.FindIndex(l => l.Contains("received PUBLISH", StringComparison.Ordinal));
        Assert.True(publish >= 0 && publish + 1 < lines.Count, string.Join('\n', lines));
        return lines[publish + 1].Trim();
    }
}
