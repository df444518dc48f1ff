using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Cli.Bench;
using EdgeInference.Cli.Client;
using EdgeInference.Onnx.Imaging;

namespace EdgeInference.Cli.Commands;

/// <summary>
/// <c>edge-inference bench</c>, after Triton's perf_analyzer: end-to-end throughput and latency through the broker,
/// measured side by side with bare session.Run and JPEG→tensor on the same model and thread settings, with ratios.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var image = new Option<FileInfo?>("--image") { Description = "Image to send; default: a synthetic photo-like 1280×960 JPEG (q90)." };
        var clients = new Option<int>("--clients") { Description = "Concurrent closed-loop clients for the loaded phase.", DefaultValueFactory = _ => 4 };
        var seconds = new Option<double>("--seconds") { Description = "Length of each measured phase.", DefaultValueFactory = _ => 10 };
        var maxRequests = new Option<int>("--max-requests") { Description = "Cap on requests (or runs) per phase.", DefaultValueFactory = _ => 100_000 };
        var spawn = new Option<bool>("--spawn-worker") { Description = "Start a worker on the embedded broker at a free port (measures cold start and RSS)." };
        var workerPath = new Option<string?>("--worker") { Description = "Worker executable for --spawn-worker (default: the repository's Release build)." };
        var model = new Option<string?>("--model") { Description = "Model package for --spawn-worker and the raw baseline (default: the worker's own, from describe)." };
        var threads = new Option<int?>("--intra-op-threads") { Description = "Model:IntraOpThreads for --spawn-worker." };
        var workerArgs = new Option<string[]>("--worker-arg") { Description = "Extra --Key=value for the spawned worker (repeatable).", AllowMultipleArgumentsPerToken = false };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON." };
        var transport = new Option<string>("--transport") { Description = "mqtt, or both: also spawn the worker under an in-process Greengrass nucleus emulator (Transport=ipc) and compare per-request transport overhead (needs --spawn-worker).", DefaultValueFactory = _ => "mqtt" };
        transport.AcceptOnlyFromAmong("mqtt", "both");
        var roundsOption = new Option<int>("--rounds") { Description = "Raw and end-to-end phases alternate this many times (each phase gets --seconds in all).", DefaultValueFactory = _ => 4 };
        var command = new Command("bench", "Benchmark a worker end to end against raw ONNX Runtime on the same model.") { image, clients, seconds, maxRequests, spawn, workerPath, model, threads, workerArgs, json, roundsOption, transport };
        var connectionOptions = ClientCommands.AddConnectionOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var connection = connectionOptions.Read(parse);
            var timeout = connectionOptions.Timeout(parse);
            var duration = TimeSpan.FromSeconds(parse.GetValue(seconds));
            var cap = parse.GetValue(maxRequests);
            var jpeg = parse.GetValue(image) is { } file ? await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false) : SyntheticImage.PhotoLikeJpeg();
            var report = new JsonObject();

            SpawnedWorker? spawned = null;
            IpcEndToEndBenchmark? ipc = null;
            var arguments = new List<string>(parse.GetValue(workerArgs) ?? []);
            try
            {
                if (parse.GetValue(spawn))
                {
                    if (parse.GetValue(model) is { } modelPath)
                    {
                        arguments.Add($"--Model:Path={Path.GetFullPath(modelPath)}");
                    }

                    if (parse.GetValue(threads) is { } threadCount)
                    {
                        arguments.Add($"--Model:IntraOpThreads={threadCount}");
                    }

                    var executable = parse.GetValue(workerPath) ?? FindWorker();
                    spawned = await SpawnedWorker.StartAsync(executable, arguments, TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
                    if (parse.GetValue(transport) == "both")
                    {
                        ipc = await IpcEndToEndBenchmark.StartAsync(executable, arguments, TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
                        report["ColdStartIpcMs"] = Round(ipc.Worker.ColdStart.TotalMilliseconds);
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
                var packagePath = parse.GetValue(model) ?? runtime["Model"]?["PackagePath"]?.GetValue<string>()
                    ?? throw new WorkerClientException("The worker's describe reply names no model package; pass --model.");
                var intraOp = runtime["IntraOpThreads"]?.GetValue<int>() ?? 0;
                report["Model"] = runtime["Model"]?["Name"]?.GetValue<string>();
                report["ExecutionProvider"] = runtime["ExecutionProvider"]?.GetValue<string>();
                report["IntraOpThreads"] = intraOp;
                report["ImageBytes"] = jpeg.Length;
                report["Clients"] = parse.GetValue(clients);

                var parallelRuns = runtime["Limits"]?["MaxConcurrentRequests"]?.GetValue<int>() ?? 1;
                report["MaxConcurrentRequests"] = parallelRuns;
                var rounds = Math.Max(1, parse.GetValue(roundsOption));
                report["Rounds"] = rounds;
                var slice = duration / rounds;
                var (decode, naiveDecode, raw, rawDecodeAndRun) = (new PhaseSamples(), new PhaseSamples(), new PhaseSamples(), new PhaseSamples());
                var (unloaded, unloadedWorker, unloadedRun, loaded, loadedWorker) = (new PhaseSamples(), new PhaseSamples(), new PhaseSamples(), new PhaseSamples(), new PhaseSamples());
                var (ipcUnloaded, ipcWorker) = (new PhaseSamples(), new PhaseSamples());
                var (mqttOverhead, ipcOverhead) = (new PhaseSamples(), new PhaseSamples());
                var (unloadedErrors, loadedErrors, ipcErrors) = (0, 0, 0);
                string? firstError = null;
                var loadedClientCpuMs = 0.0;
                using (var rawModel = new RawModelBenchmark(packagePath, intraOp, jpeg))
                {
                    // Raw and end-to-end phases alternate round by round, so drift of the machine hits both alike.
                    for (var round = 0; round < rounds; round++)
                    {
                        Add(decode, rawModel.DecodeToTensor(slice, cap));
                        Add(naiveDecode, rawModel.NaiveDecodeToTensor(slice / 2, cap));
                        Add(rawDecodeAndRun, rawModel.DecodeAndRun(slice, cap));
                        var single = await EndToEndBenchmark.MeasureAsync(connection, 1, jpeg, slice, cap, timeout, cancellationToken).ConfigureAwait(false);
                        unloaded.Add(single.Latencies, single.Seconds);
                        unloadedWorker.Add(single.WorkerTotals, single.Seconds);
                        unloadedRun.Add(single.WorkerInference, single.Seconds);
                        mqttOverhead.Add(single.Overheads, single.Seconds);
                        if (ipc is not null)
                        {
                            var overIpc = await ipc.MeasureUnloadedAsync(jpeg, slice, cap, timeout, cancellationToken).ConfigureAwait(false);
                            ipcUnloaded.Add(overIpc.Latencies, overIpc.Seconds);
                            ipcWorker.Add(overIpc.WorkerTotals, overIpc.Seconds);
                            ipcOverhead.Add(overIpc.Overheads, overIpc.Seconds);
                            ipcErrors += overIpc.Errors;
                            firstError ??= overIpc.FirstError;
                        }
                        Add(raw, rawModel.Run(slice, cap, parallelRuns));
                        var many = await EndToEndBenchmark.MeasureAsync(connection, parse.GetValue(clients), jpeg, slice, cap, timeout, cancellationToken).ConfigureAwait(false);
                        loaded.Add(many.Latencies, many.Seconds);
                        loadedClientCpuMs += many.ClientCpuMs;
                        loadedWorker.Add(many.WorkerTotals, many.Seconds);
                        unloadedErrors += single.Errors;
                        loadedErrors += many.Errors;
                        firstError ??= single.FirstError ?? many.FirstError;
                    }
                }

                report["JpegToTensor"] = Stats(decode.Stats);
                report["NaiveJpegToTensor"] = Stats(naiveDecode.Stats);
                report["RawSessionRun"] = Stats(raw.Stats);
                report["RawDecodeAndRun"] = Stats(rawDecodeAndRun.Stats);
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
                report["EndToEndLoaded"] = Stats(loaded.Stats, loadedErrors);
                report["WorkerTotalLoaded"] = Stats(loadedWorker.Stats);
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
                };
                report["Ratios"] = ratios;
                if (spawned is not null)
                {
                    var (peak, current) = spawned.Memory();
                    report["WorkerPeakRssMB"] = Round(peak / 1048576.0, 1);
                    report["WorkerRssMB"] = Round(current / 1048576.0, 1);
                }

                await output.WriteLineAsync(parse.GetValue(json) ? report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : BenchReport.Format(report)).ConfigureAwait(false);
                return 0;
            }
            catch (WorkerClientException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"edge-inference: {ex.Message}").ConfigureAwait(false);
                return ClientCommands.ExitUnreachable;
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
            }
        });
        return command;
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

    /// <summary>The repository's Release build of the worker, found above the current folder.</summary>
    private static string FindWorker()
    {
        var rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "EdgeInference.Worker", "bin", "Release", "net10.0", rid, "EdgeInference.Worker");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new WorkerClientException($"No worker build found (looked for src/EdgeInference.Worker/bin/Release/net10.0/{rid}/EdgeInference.Worker above {Environment.CurrentDirectory}); build it with 'dotnet build src/EdgeInference.Worker -c Release' or pass --worker.");
    }
}

/// <summary>The human-readable bench report: figures, ratios and the targets they are held to.</summary>
internal static class BenchReport
{
    public static string Format(JsonObject r)
    {
        static double D(JsonNode? node) => node?.GetValue<double>() ?? double.NaN;
        var lines = new List<string>
        {
            $"model {r["Model"]}  provider {r["ExecutionProvider"]}  intra-op threads {r["IntraOpThreads"]} × {r["MaxConcurrentRequests"]} concurrent runs  image {r["ImageBytes"]} B  clients {r["Clients"]}",
            string.Empty,
            $"{"phase",-34}{"count",8}{"req/s",10}{"p50 ms",10}{"p99 ms",10}",
        };
        foreach (var (name, key) in new[] { ("JPEG→tensor (decode+preprocess)", "JpegToTensor"), ("  naive: full decode+resize", "NaiveJpegToTensor"), ($"raw session.Run (×{r["MaxConcurrentRequests"]} parallel)", "RawSessionRun"), ("raw decode+run, one at a time", "RawDecodeAndRun"), ("e2e unloaded (1 client)", "EndToEndUnloaded"), ("  of which in the worker", "WorkerTotalUnloaded"), ("  of which session.Run", "WorkerInferenceUnloaded"), ($"e2e loaded ({r["Clients"]} clients)", "EndToEndLoaded"), ("  of which in the worker", "WorkerTotalLoaded") })
        {
            var s = r[key]!;
            lines.Add($"{name,-34}{s["Count"],8}{D(s["Throughput"]),10:F1}{D(s["P50Ms"]),10:F2}{D(s["P99Ms"]),10:F2}");
        }

        if (r["TransportOverheadIpc"] is { } ipcOverhead)
        {
            lines.Add(string.Empty);
            lines.Add($"{"per-request transport overhead (e2e − worker)",-34}{"count",8}{"",10}{"p50 ms",10}{"p99 ms",10}");
            foreach (var (name, key) in new[] { ("  MQTT 5 (embedded broker)", "TransportOverheadMqtt"), ("  Greengrass IPC (local pub/sub)", "TransportOverheadIpc"), ("e2e unloaded over IPC", "EndToEndUnloadedIpc") })
            {
                var s = r[key]!;
                lines.Add($"{name,-34}{s["Count"],8}{"",10}{D(s["P50Ms"]),10:F2}{D(s["P99Ms"]),10:F2}");
            }
        }

        var ratio = D(r["Ratios"]!["ThroughputEndToEndOverRaw"]);
        var overhead = D(r["Ratios"]!["UnloadedP50OverheadMs"]);
        lines.Add(string.Empty);
        lines.Add(Check("e2e throughput / raw throughput", ratio, "≥ 0.85", ratio >= 0.85, "F3"));
        lines.Add(Check("JPEG→tensor p50 (ms)", D(r["JpegToTensor"]!["P50Ms"]), "≤ 2.0", D(r["JpegToTensor"]!["P50Ms"]) <= 2.0));
        lines.Add($"{"  naive / ours (same machine, same run)",-42}{D(r["Ratios"]!["JpegToTensorSpeedupOverNaive"]),10:F2}");
        lines.Add(Check("unloaded e2e p50 − raw decode+run p50 (ms)", overhead, "≤ 1.5", overhead <= 1.5));
        lines.Add($"{"  load generator's share of all cores",-42}{D(r["LoadGeneratorCpuShare"]),10:P1}   (the bench client runs on the same machine)");
        if (r["TransportOverheadIpc"] is { } ipcOver)
        {
            var ipcP50 = D(ipcOver["P50Ms"]);
            var mqttP50 = D(r["TransportOverheadMqtt"]!["P50Ms"]);
            lines.Add(Check("IPC overhead p50 − MQTT overhead p50 (ms)", ipcP50 - mqttP50, "≤ 0", ipcP50 <= mqttP50));
        }

        if (r["ColdStartMs"] is { } cold)
        {
            lines.Add(Check("cold start to RUNNING (ms)", D(cold), "≤ 1500", D(cold) <= 1500, "F0"));
        }

        if (r["WorkerPeakRssMB"] is { } rss)
        {
            lines.Add(Check("worker peak RSS (MB)", D(rss), "≤ 300", D(rss) <= 300, "F1"));
        }

        if (r["FirstError"] is { } error)
        {
            lines.Add($"first error reply: {error}");
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string Check(string name, double value, string target, bool met, string format = "F2") =>
        $"{name,-42}{value.ToString(format, CultureInfo.InvariantCulture),10}   target {target,-8} {(met ? "met" : "MISSED")}";
}
