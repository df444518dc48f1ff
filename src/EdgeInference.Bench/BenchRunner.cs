using System.Text.Json.Nodes;
using EdgeInference.Client;
using EdgeInference.Onnx.Imaging;

namespace EdgeInference.Bench;

/// <summary>
/// <c>bench</c>, after Triton's perf_analyzer: end-to-end throughput and latency through the broker, measured side by
/// side with bare session.Run and JPEG→tensor on the same model and thread settings, with ratios. Raw and end-to-end
/// phases alternate round by round. Returns the figures as a JSON report (<see cref="BenchReport"/> formats it).
/// </summary>
public static class BenchRunner
{
    /// <summary>How long the discarded warm-up phase runs (tiered compilation of the worker's request path settles in it).</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    /// <exception cref="WorkerClientException">The worker could not be reached or did not answer.</exception>
    public static async Task<JsonObject> RunAsync(BenchSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var connection = settings.Connection;
        var timeout = settings.Timeout;
        var duration = settings.Duration;
        var cap = settings.MaxRequests;
        var jpeg = settings.Image ?? SyntheticImage.PhotoLikeJpeg();
        var report = new JsonObject();

        SpawnedWorker? spawned = null;
        IpcEndToEndBenchmark? ipc = null;
        ExternalBroker? broker = null;
        SpawnedWorker? onBroker = null;
        var arguments = new List<string>(settings.WorkerArguments);
        try
        {
            if (settings.SpawnWorker)
            {
                if (settings.ModelPath is { } modelPath)
                {
                    arguments.Add($"--Model:Path={Path.GetFullPath(modelPath)}");
                }

                if (settings.IntraOpThreads is { } threadCount)
                {
                    arguments.Add($"--Model:IntraOpThreads={threadCount}");
                }

                var executable = settings.WorkerPath ?? WorkerLocator.FindReleaseBuild();
                Say(settings, $"starting the worker ({executable}) and waiting for RUNNING");
                spawned = await SpawnedWorker.StartAsync(executable, arguments, TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
                if (settings.CompareIpc)
                {
                    Say(settings, "starting a second worker under the nucleus emulator (Transport=ipc)");
                    ipc = await IpcEndToEndBenchmark.StartAsync(executable, arguments, TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
                    report["ColdStartIpcMs"] = Round(ipc.Worker.ColdStart.TotalMilliseconds);
                }

                if (settings.CompareExternalBroker)
                {
                    Say(settings, "starting mosquitto and a third worker on it");
                    broker = await ExternalBroker.StartAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
                    onBroker = await SpawnedWorker.StartOnBrokerAsync(executable, broker.Port, arguments, TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
                }
                connection = connection with { Host = "127.0.0.1", Port = spawned.Port, ThingName = "local" };
                report["ColdStartMs"] = Round(spawned.ColdStart.TotalMilliseconds);
            }

            JsonNode describe;
            await using (var client = await WorkerClient.ConnectAsync(connection, timeout, cancellationToken).ConfigureAwait(false))
            {
                describe = JsonNode.Parse(await client.RequestAsync(connection.DescribeTopic, "{}"u8.ToArray(), timeout, cancellationToken).ConfigureAwait(false))!;
            }

            var runtime = describe["Runtime"]!;
            var packagePath = settings.ModelPath ?? runtime["Model"]?["PackagePath"]?.GetValue<string>()
                ?? throw new WorkerClientException("The worker's describe reply names no model package; pass --model.");
            var intraOp = runtime["IntraOpThreads"]?.GetValue<int>() ?? 0;
            report["Model"] = runtime["Model"]?["Name"]?.GetValue<string>();
            report["ExecutionProvider"] = runtime["ExecutionProvider"]?.GetValue<string>();
            report["IntraOpThreads"] = intraOp;
            report["ImageBytes"] = jpeg.Length;
            report["Clients"] = settings.Clients;

            // The raw capacity runs as the worker does: the runs it actually makes at once (older workers: as configured, or
            // one per request in progress).
            var limits = runtime["Limits"];
            var parallelRuns = (limits?["EffectiveMaxConcurrentRuns"] ?? limits?["MaxConcurrentRuns"] ?? limits?["MaxConcurrentRequests"])?.GetValue<int>() ?? 1;
            report["MaxConcurrentRequests"] = limits?["MaxConcurrentRequests"]?.GetValue<int>() ?? parallelRuns;
            report["MaxConcurrentRuns"] = parallelRuns;
            var rounds = Math.Max(1, settings.Rounds);
            report["Rounds"] = rounds;
            var slice = duration / rounds;
            Say(settings, $"model {report["Model"]}: {rounds} round(s) of 8 phases after a warm-up, {slice.TotalSeconds:0.#} s per phase per round (about {(duration * 7.5).TotalSeconds:0} s in all)");
            var (decode, naiveDecode, raw, rawDecodeAndRun, rawDecodeAndRunParallel) = (new PhaseSamples(), new PhaseSamples(), new PhaseSamples(), new PhaseSamples(), new PhaseSamples());
            var (unloaded, unloadedWorker, unloadedRun, loaded, loadedWorker) = (new PhaseSamples(), new PhaseSamples(), new PhaseSamples(), new PhaseSamples(), new PhaseSamples());
            var (ipcUnloaded, ipcWorker) = (new PhaseSamples(), new PhaseSamples());
            var (mqttOverhead, ipcOverhead, brokerOverhead) = (new PhaseSamples(), new PhaseSamples(), new PhaseSamples());
            var (unloadedStages, ipcStages, brokerStages, loadedStages) = (new List<StageSample>(), new List<StageSample>(), new List<StageSample>(), new List<StageSample>());
            var (unloadedErrors, loadedErrors, ipcErrors, brokerErrors) = (0, 0, 0, 0);
            var throughBroker = broker is null ? null : connection with { Port = broker.Port };
            string? firstError = null;
            var loadedClientCpuMs = 0.0;
            using (var rawModel = new RawModelBenchmark(packagePath, intraOp, jpeg))
            {
                // A fresh worker runs its request path as unoptimised tier-0 code, compiling it again in the background,
                // for its first hundreds of requests: a discarded warm-up phase measures the worker as it serves, not as
                // it starts (cold start is reported on its own).
                var warmUp = slice < WarmUp ? slice : WarmUp;
                Say(settings, $"warm-up: {warmUp.TotalSeconds:0.#} s at {settings.Clients} clients (not measured)");
                _ = await EndToEndBenchmark.MeasureAsync(connection, settings.Clients, jpeg, warmUp, cap, timeout, cancellationToken).ConfigureAwait(false);
                if (ipc is not null)
                {
                    _ = await ipc.MeasureUnloadedAsync(jpeg, warmUp, cap, timeout, cancellationToken).ConfigureAwait(false);
                }

                if (throughBroker is not null)
                {
                    _ = await EndToEndBenchmark.MeasureAsync(throughBroker, 1, jpeg, warmUp, cap, timeout, cancellationToken).ConfigureAwait(false);
                }

                // Raw and end-to-end phases alternate round by round, so drift of the machine hits both alike.
                for (var round = 0; round < rounds; round++)
                {
                    var label = $"round {round + 1}/{rounds}";
                    Say(settings, $"{label}: JPEG→tensor, naive decode, raw decode+run");
                    Add(decode, rawModel.DecodeToTensor(slice, cap));
                    Add(naiveDecode, rawModel.NaiveDecodeToTensor(slice / 2, cap));
                    Add(rawDecodeAndRun, rawModel.DecodeAndRun(slice, cap));
                    Say(settings, $"{label}: end to end, 1 client");
                    var single = await EndToEndBenchmark.MeasureAsync(connection, 1, jpeg, slice, cap, timeout, cancellationToken).ConfigureAwait(false);
                    unloaded.Add(single.Latencies, single.Seconds);
                    unloadedWorker.Add(single.WorkerTotals, single.Seconds);
                    unloadedRun.Add(single.WorkerInference, single.Seconds);
                    mqttOverhead.Add(single.Overheads, single.Seconds);
                    unloadedStages.AddRange(single.Stages);
                    if (ipc is not null)
                    {
                        Say(settings, $"{label}: end to end over IPC, 1 client");
                        var overIpc = await ipc.MeasureUnloadedAsync(jpeg, slice, cap, timeout, cancellationToken).ConfigureAwait(false);
                        ipcUnloaded.Add(overIpc.Latencies, overIpc.Seconds);
                        ipcWorker.Add(overIpc.WorkerTotals, overIpc.Seconds);
                        ipcOverhead.Add(overIpc.Overheads, overIpc.Seconds);
                        ipcStages.AddRange(overIpc.Stages);
                        ipcErrors += overIpc.Errors;
                        firstError ??= overIpc.FirstError;
                    }

                    if (throughBroker is not null)
                    {
                        Say(settings, $"{label}: end to end through mosquitto, 1 client");
                        var viaBroker = await EndToEndBenchmark.MeasureAsync(throughBroker, 1, jpeg, slice, cap, timeout, cancellationToken).ConfigureAwait(false);
                        brokerOverhead.Add(viaBroker.Overheads, viaBroker.Seconds);
                        brokerStages.AddRange(viaBroker.Stages);
                        brokerErrors += viaBroker.Errors;
                        firstError ??= viaBroker.FirstError;
                    }
                    Say(settings, $"{label}: raw session.Run ×{parallelRuns}");
                    Add(raw, rawModel.Run(slice, cap, parallelRuns));
                    Say(settings, $"{label}: raw decode+run ×{parallelRuns}");
                    Add(rawDecodeAndRunParallel, rawModel.DecodeAndRunParallel(slice, cap, parallelRuns));
                    Say(settings, $"{label}: end to end, {settings.Clients} clients");
                    var many = await EndToEndBenchmark.MeasureAsync(connection, settings.Clients, jpeg, slice, cap, timeout, cancellationToken).ConfigureAwait(false);
                    loaded.Add(many.Latencies, many.Seconds);
                    loadedClientCpuMs += many.ClientCpuMs;
                    loadedWorker.Add(many.WorkerTotals, many.Seconds);
                    loadedStages.AddRange(many.Stages);
                    unloadedErrors += single.Errors;
                    loadedErrors += many.Errors;
                    firstError ??= single.FirstError ?? many.FirstError;
                    Say(settings, $"{label}: done ({loaded.Stats.Count} loaded requests so far, {unloadedErrors + loadedErrors + ipcErrors} errors)");
                }
            }

            report["JpegToTensor"] = Stats(decode.Stats);
            report["NaiveJpegToTensor"] = Stats(naiveDecode.Stats);
            report["RawSessionRun"] = Stats(raw.Stats);
            report["RawDecodeAndRun"] = Stats(rawDecodeAndRun.Stats);
            report["RawDecodeAndRunParallel"] = Stats(rawDecodeAndRunParallel.Stats);
            report["EndToEndUnloaded"] = Stats(unloaded.Stats, unloadedErrors);
            report["WorkerTotalUnloaded"] = Stats(unloadedWorker.Stats);
            report["WorkerInferenceUnloaded"] = Stats(unloadedRun.Stats);
            report["TransportOverheadMqtt"] = Stats(mqttOverhead.Stats);
            if (ipc is not null)
            {
                report["EndToEndUnloadedIpc"] = Stats(ipcUnloaded.Stats, ipcErrors);
                report["WorkerTotalUnloadedIpc"] = Stats(ipcWorker.Stats);
                report["TransportOverheadIpc"] = Stats(ipcOverhead.Stats);
            }

            if (throughBroker is not null)
            {
                report["TransportOverheadMqttBroker"] = Stats(brokerOverhead.Stats, brokerErrors);
            }
            report["EndToEndLoaded"] = Stats(loaded.Stats, loadedErrors);
            report["WorkerTotalLoaded"] = Stats(loadedWorker.Stats);
            var stages = new JsonObject { ["MqttUnloaded"] = StageBreakdown.ToJson(unloadedStages) };
            if (ipc is not null)
            {
                stages["IpcUnloaded"] = StageBreakdown.ToJson(ipcStages);
            }

            if (throughBroker is not null)
            {
                stages["MqttBrokerUnloaded"] = StageBreakdown.ToJson(brokerStages);
            }

            stages["MqttLoaded"] = StageBreakdown.ToJson(loadedStages);
            report["Stages"] = stages;
            report["LoadGeneratorCpuShare"] = Round(loadedClientCpuMs / (loaded.Stats.Seconds * 1000 * Environment.ProcessorCount), 3);
            if (firstError is not null)
            {
                report["FirstError"] = firstError;
            }

            var ratios = new JsonObject
            {
                ["ThroughputEndToEndOverRaw"] = Round(loaded.Stats.Throughput / raw.Stats.Throughput, 3),
                ["JpegToTensorSpeedupOverNaive"] = Round(naiveDecode.Stats.P50Ms / decode.Stats.P50Ms, 2),
                ["UnloadedP50OverheadMs"] = Round(unloaded.Stats.P50Ms - rawDecodeAndRun.Stats.P50Ms, 2),
                ["ThroughputEndToEndOverRawDecodeAndRun"] = Round(loaded.Stats.Throughput / rawDecodeAndRunParallel.Stats.Throughput, 3),
                ["UnloadedP50OverRawDecodeAndRun"] = Round(unloaded.Stats.P50Ms / rawDecodeAndRun.Stats.P50Ms, 3),
            };
            report["Ratios"] = ratios;
            if (spawned is not null)
            {
                var (peak, current) = spawned.Memory();
                report["WorkerPeakRssMB"] = Round(peak / 1048576.0, 1);
                report["WorkerRssMB"] = Round(current / 1048576.0, 1);
            }

            return report;
        }
        finally
        {
            if (ipc is not null)
            {
                await ipc.DisposeAsync().ConfigureAwait(false);
            }

            if (spawned is not null)
            {
                await spawned.DisposeAsync().ConfigureAwait(false);
            }

            if (onBroker is not null)
            {
                await onBroker.DisposeAsync().ConfigureAwait(false);
            }

            if (broker is not null)
            {
                await broker.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static void Say(BenchSettings settings, string line)
    {
        settings.Progress.WriteLine($"bench: {line}");
        settings.Progress.Flush();
    }

    private static void Add(PhaseSamples samples, (List<double> Latencies, double Seconds) measured) => samples.Add(measured.Latencies, measured.Seconds);

    private static JsonObject Stats(LatencyStats stats, int? errors = null)
    {
        var node = new JsonObject
        {
            ["Count"] = stats.Count,
            ["Seconds"] = Round(stats.Seconds, 2),
            ["Throughput"] = Round(stats.Throughput, 1),
            ["P50Ms"] = Round(stats.P50Ms, 2),
            ["P99Ms"] = Round(stats.P99Ms, 2),
            ["MeanMs"] = Round(stats.MeanMs, 2),
        };
        if (errors is not null)
        {
            node["Errors"] = errors;
        }

        return node;
    }

    private static double Round(double value, int digits = 1) => double.IsFinite(value) ? Math.Round(value, digits) : -1;
}
