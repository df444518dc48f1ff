using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Client;
using EdgeInference.Onnx.Imaging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeInference.Bench.Flood;

/// <summary>
/// <c>bench flood</c>: the memory targets of issue 10, measured on a worker it spawns. Steady state is the worker's
/// resident memory (VmRSS) while one client is served; then <see cref="FloodSettings.Clients"/> clients flood it with
/// ~400 KB JPEGs, each keeping <see cref="FloodSettings.InFlightPerClient"/> requests in flight; then hostile inputs —
/// small files claiming huge images, garbage, broken JSON, payloads over <c>Limits:MaxPayloadBytes</c> up to 256 MiB —
/// each followed by an ordinary request that must be served. Reports peaks against the steady state and every answer.
/// </summary>
public static class FloodBenchmark
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>The largest payload one MQTT packet can carry here (256 MiB less room for the topic and properties).</summary>
    private const long MaxMqttPayload = 268_435_455 - 4096;

    /// <exception cref="WorkerClientException">The worker could not be started or reached.</exception>
    public static async Task<JsonObject> RunAsync(FloodSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var image = settings.Image ?? FourHundredKilobyteJpeg();
        var arguments = new List<string>(settings.WorkerArguments);
        if (settings.ModelPath is { } model)
        {
            arguments.Add($"--Model:Path={Path.GetFullPath(model)}");
        }

        var executable = settings.WorkerPath ?? WorkerLocator.FindReleaseBuild();
        Say(settings, $"starting the worker ({executable}) and waiting for RUNNING");
        await using var worker = await SpawnedWorker.StartAsync(executable, arguments, TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
        var connection = new WorkerConnection { Host = "127.0.0.1", Port = worker.Port, ThingName = "local" };
        var report = new JsonObject { ["ColdStartMs"] = Math.Round(worker.ColdStart.TotalMilliseconds), ["ImageBytes"] = image.Length };

        JsonNode runtime;
        await using (var probe = await WorkerClient.ConnectAsync(connection, settings.Timeout, cancellationToken).ConfigureAwait(false))
        {
            runtime = JsonNode.Parse(await probe.RequestAsync(connection.DescribeTopic, "{}"u8.ToArray(), settings.Timeout, cancellationToken).ConfigureAwait(false))!["Runtime"]!;
        }

        report["Model"] = runtime["Model"]?["Name"]?.GetValue<string>();
        report["Limits"] = runtime["Limits"]?.DeepClone();
        var maxPayload = runtime["Limits"]?["MaxPayloadBytes"]?.GetValue<long>() ?? 8L << 20;

        // 1. Steady state: one client, closed loop.
        Say(settings, $"steady state: 1 client for {settings.SteadyDuration.TotalSeconds:0.#} s");
        FloodCounts steadyCounts;
        long steady, steadyPeak;
        await using (var sampler = new RssSampler(worker.ProcessId, SampleInterval))
        {
            steadyCounts = await LoadAsync(connection, 1, 1, image, settings.SteadyDuration, settings.Timeout, cancellationToken).ConfigureAwait(false);
            steady = sampler.MedianBytes();
            steadyPeak = sampler.PeakBytes;
        }

        report["SteadyRssMB"] = MB(steady);
        report["SteadyPeakRssMB"] = MB(steadyPeak);
        report["Steady"] = steadyCounts.ToJson();

        // 2. The flood.
        Say(settings, $"flood: {settings.Clients} clients × {settings.InFlightPerClient} in flight, {image.Length / 1024} KB each, for {settings.Duration.TotalSeconds:0.#} s");
        FloodCounts floodCounts;
        long floodPeak;
        await using (var sampler = new RssSampler(worker.ProcessId, SampleInterval))
        {
            floodCounts = await LoadAsync(connection, settings.Clients, settings.InFlightPerClient, image, settings.Duration, settings.Timeout, cancellationToken).ConfigureAwait(false);
            floodPeak = sampler.PeakBytes;
        }

        report["Flood"] = floodCounts.ToJson();
        report["FloodPeakRssMB"] = MB(floodPeak);
        report["FloodPeakOverSteady"] = Math.Round(floodPeak / (double)steady, 3);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        report["AfterFloodRssMB"] = MB(ProcessMemory.Read(worker.ProcessId).RssBytes);
        Say(settings, $"flood: {floodCounts.Sent} sent, {floodCounts.Results} results, {floodCounts.Busy} Busy, {floodCounts.OtherErrors} other errors, {floodCounts.Unanswered} unanswered; peak RSS {MB(floodPeak)} MB = {floodPeak / (double)steady:0.00}× steady");

        // 3. Hostile inputs, each followed by an ordinary request.
        if (settings.Hostile)
        {
            var answers = new JsonArray();
            long hostilePeak;
            await using (var sampler = new RssSampler(worker.ProcessId, SampleInterval))
            {
                await using var ordinary = await WorkerClient.ConnectAsync(connection, settings.Timeout, cancellationToken).ConfigureAwait(false);
                foreach (var hostile in HostilePayloads.Create())
                {
                    Say(settings, $"hostile: {hostile.Name} ({hostile.Payload.Length} B)");
                    var answer = await AnswerOfAsync(connection, hostile.Payload, settings.Timeout, cancellationToken).ConfigureAwait(false);
                    answers.Add(Entry(hostile.Name, hostile.Payload.Length, answer, hostile.ExpectedCodes.Contains(answer), await ServedAsync(ordinary, connection, image, settings.Timeout, cancellationToken).ConfigureAwait(false)));
                }

                Say(settings, "hostile: 4 TIFFs claiming 16000×16000 at once");
                var tiff = HostilePayloads.TiffClaiming(16000, 16000);
                var together = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => AnswerOfAsync(connection, tiff, settings.Timeout, cancellationToken))).ConfigureAwait(false);
                answers.Add(Entry("4 × TIFF claiming 16000×16000 at once", tiff.Length, string.Join(",", together.Distinct()), together.All(a => a == "InvalidImage"), await ServedAsync(ordinary, connection, image, settings.Timeout, cancellationToken).ConfigureAwait(false)));

                foreach (var megabytes in settings.OversizedMegabytes)
                {
                    // MQTT's largest packet is 268,435,455 bytes (remaining length): stay just under it with the topic and properties.
                    var size = Math.Min(Math.Max((long)megabytes << 20, maxPayload + 1), MaxMqttPayload);
                    Say(settings, $"hostile: a {size / 1048576.0:0.#} MiB payload (Limits:MaxPayloadBytes {maxPayload})");
                    var answer = await OversizedAnswerAsync(connection, (int)size, settings.Timeout, cancellationToken).ConfigureAwait(false);
                    answers.Add(Entry($"payload of {size / 1048576.0:0.#} MiB", size, answer, answer.StartsWith("PayloadTooLarge", StringComparison.Ordinal) || answer.StartsWith("PacketTooLarge", StringComparison.Ordinal), await ServedAsync(ordinary, connection, image, settings.Timeout, cancellationToken).ConfigureAwait(false)));
                }

                hostilePeak = sampler.PeakBytes;
            }

            report["Hostile"] = answers;
            report["HostilePeakRssMB"] = MB(hostilePeak);
            report["HostilePeakOverSteady"] = Math.Round(hostilePeak / (double)steady, 3);
            report["HostileAllAnsweredWithTheirCode"] = answers.All(a => a!["Coded"]!.GetValue<bool>());
            report["HostileNextRequestAlwaysServed"] = answers.All(a => a!["NextRequestServed"]!.GetValue<bool>());
        }

        var (rss, hwm) = ProcessMemory.Read(worker.ProcessId);
        report["FinalRssMB"] = MB(rss);
        report["LifetimePeakRssMB"] = MB(hwm);
        report["TargetRatio"] = settings.TargetRatio;
        return report;
    }

    /// <summary>Closed-loop load: each of <paramref name="clients"/> connections keeps <paramref name="inFlight"/> requests going until <paramref name="duration"/> ends.</summary>
    private static async Task<FloodCounts> LoadAsync(WorkerConnection connection, int clients, int inFlight, byte[] image, TimeSpan duration, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var counts = new FloodCounts();
        var connected = new List<WorkerClient>();
        try
        {
            for (var i = 0; i < clients; i++)
            {
                connected.Add(await WorkerClient.ConnectAsync(connection, timeout, cancellationToken).ConfigureAwait(false));
            }

            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(connected.SelectMany(client => Enumerable.Range(0, inFlight).Select(async _ =>
            {
                while (Stopwatch.GetElapsedTime(started) < duration)
                {
                    counts.CountSent();
                    try
                    {
                        counts.Answered(CodeOf(await client.RequestAsync(connection.InferTopic, image, timeout, cancellationToken).ConfigureAwait(false)));
                    }
                    catch (WorkerClientException)
                    {
                        counts.NotAnswered();
                    }
                }
            }))).ConfigureAwait(false);
            return counts;
        }
        finally
        {
            foreach (var client in connected)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The error code of the worker's reply to <paramref name="payload"/> on a fresh connection ("result" when it served it, "no reply" on timeout).</summary>
    private static async Task<string> AnswerOfAsync(WorkerConnection connection, byte[] payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var client = await WorkerClient.ConnectAsync(connection, timeout, cancellationToken).ConfigureAwait(false);
        try
        {
            return CodeOf(await client.RequestAsync(connection.InferTopic, payload, timeout, cancellationToken).ConfigureAwait(false)) ?? "result";
        }
        catch (WorkerClientException)
        {
            return "no reply";
        }
    }

    /// <summary>
    /// Publishes a payload over the limit on a plain MQTT 5 connection: the answer is the worker's PayloadTooLarge reply,
    /// or the broker's refusal (DISCONNECT 0x95 Packet too large) before it buffers the bytes.
    /// </summary>
    private static async Task<string> OversizedAnswerAsync(WorkerConnection connection, int size, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var replyTopic = $"edge-inference-bench/{Guid.NewGuid():N}/reply";
        var reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            reply.TrySetResult(CodeOf(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload)) ?? "result");
            return Task.CompletedTask;
        };
        client.DisconnectedAsync += e =>
        {
            reply.TrySetResult(e.ReasonString is { Length: > 0 } reason ? $"{e.Reason} ({reason})" : e.Reason.ToString());
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(connection.Host, connection.Port)
            .WithTcpServer(o => o.BufferSize = 64 * 1024)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"edge-inference-bench-{Guid.NewGuid():N}")
            .WithCleanStart()
            .WithTimeout(timeout)
            .Build();
        await client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(replyTopic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
        var payload = new byte[size];
        payload[0] = 0xFF;
        payload[1] = 0xD8;
        try
        {
            await client.PublishAsync(
                new MqttApplicationMessageBuilder().WithTopic(connection.InferTopic).WithPayload(payload).WithResponseTopic(replyTopic)
                    .WithCorrelationData([1]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientDisconnectedException or MQTTnet.Exceptions.MqttProtocolViolationException or IOException or InvalidOperationException)
        {
            // The broker closed the connection at the packet's header: with its DISCONNECT reason when it arrived mid-send,
            // else the reason arrives through DisconnectedAsync.
            reply.TrySetResult(ex is MQTTnet.Exceptions.MqttClientUnexpectedDisconnectReceivedException { ReasonCode: { } code } disconnect
                ? (disconnect.ReasonString is { Length: > 0 } why ? $"{code} ({why})" : code.ToString())
                : $"refused while sending: {ex.GetType().Name}: {ex.Message}");
        }

        try
        {
            return await reply.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return "no reply";
        }
        finally
        {
            if (client.IsConnected)
            {
                try
                {
                    await client.DisconnectAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
                }
                catch (MQTTnet.Exceptions.MqttCommunicationException)
                {
                    // The broker closed it first.
                }
            }
        }
    }

    /// <summary>The load: a 1280×960 noisy JPEG at the highest quality (90 down to 50) that keeps it at most 420 KB.</summary>
    public static byte[] FourHundredKilobyteJpeg()
    {
        byte[] jpeg = [];
        for (var quality = 90; quality >= 50; quality -= 2)
        {
            jpeg = SyntheticImage.NoisyJpeg(quality: quality);
            if (jpeg.Length <= 420 * 1024)
            {
                break;
            }
        }

        return jpeg;
    }

    private static async Task<bool> ServedAsync(WorkerClient client, WorkerConnection connection, byte[] image, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return CodeOf(await client.RequestAsync(connection.InferTopic, image, timeout, cancellationToken).ConfigureAwait(false)) is null;
        }
        catch (WorkerClientException)
        {
            return false;
        }
    }

    /// <summary>The reply's Error.Code, or null for a result.</summary>
    internal static string? CodeOf(byte[] reply)
    {
        try
        {
            using var document = JsonDocument.Parse(reply);
            return document.RootElement.TryGetProperty("Error", out var error) && error.ValueKind == JsonValueKind.Object
                ? error.GetProperty("Code").GetString() ?? "Error"
                : null;
        }
        catch (JsonException)
        {
            return "unparseable reply";
        }
    }

    private static JsonObject Entry(string name, long bytes, string answer, bool coded, bool served) => new()
    {
        ["Input"] = name,
        ["Bytes"] = bytes,
        ["Answer"] = answer,
        ["Coded"] = coded,
        ["NextRequestServed"] = served,
    };

    private static double MB(long bytes) => Math.Round(bytes / 1048576.0, 1);

    private static void Say(FloodSettings settings, string line)
    {
        settings.Progress.WriteLine($"bench flood: {line}");
        settings.Progress.Flush();
    }
}

/// <summary>Answers counted by kind, thread-safe.</summary>
internal sealed class FloodCounts
{
    private readonly Dictionary<string, int> _errors = [];
    private int _sent;
    private int _results;
    private int _unanswered;

    public int Sent => Volatile.Read(ref _sent);

    public int Results => Volatile.Read(ref _results);

    public int Unanswered => Volatile.Read(ref _unanswered);

    public int Busy
    {
        get
        {
            lock (_errors)
            {
                return _errors.GetValueOrDefault("Busy");
            }
        }
    }

    public int OtherErrors
    {
        get
        {
            lock (_errors)
            {
                return _errors.Where(e => e.Key != "Busy").Sum(e => e.Value);
            }
        }
    }

    public void CountSent() => Interlocked.Increment(ref _sent);

    public void NotAnswered() => Interlocked.Increment(ref _unanswered);

    public void Answered(string? code)
    {
        if (code is null)
        {
            Interlocked.Increment(ref _results);
            return;
        }

        lock (_errors)
        {
            _errors[code] = _errors.GetValueOrDefault(code) + 1;
        }
    }

    public JsonObject ToJson()
    {
        var errors = new JsonObject();
        lock (_errors)
        {
            foreach (var (code, count) in _errors.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                errors[code] = count;
            }
        }

        return new JsonObject { ["Sent"] = Sent, ["Results"] = Results, ["Errors"] = errors, ["Unanswered"] = Unanswered };
    }
}
