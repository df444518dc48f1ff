using System.Globalization;
using System.Text.Json.Nodes;

namespace EdgeInference.Bench;

/// <summary>The human-readable bench report: figures, ratios and the targets they are held to.</summary>
public static class BenchReport
{
    public static string Format(JsonObject r)
    {
        static double D(JsonNode? node) => node?.GetValue<double>() ?? double.NaN;
        var lines = new List<string>
        {
            $"model {r["Model"]}  provider {r["ExecutionProvider"]}  intra-op threads {r["IntraOpThreads"]} × {r["MaxConcurrentRuns"] ?? r["MaxConcurrentRequests"]} concurrent runs  image {r["ImageBytes"]} B  clients {r["Clients"]}",
            string.Empty,
            $"{"phase",-34}{"count",8}{"req/s",10}{"p50 ms",10}{"p99 ms",10}",
        };
        foreach (var (name, key) in new[] { ("JPEG→tensor (decode+preprocess)", "JpegToTensor"), ("  naive: full decode+resize", "NaiveJpegToTensor"), ($"raw session.Run (×{r["MaxConcurrentRuns"] ?? r["MaxConcurrentRequests"]} parallel)", "RawSessionRun"), ("raw decode+run, one at a time", "RawDecodeAndRun"), ($"raw decode+run (×{r["MaxConcurrentRuns"] ?? r["MaxConcurrentRequests"]} parallel)", "RawDecodeAndRunParallel"), ("e2e unloaded (1 client)", "EndToEndUnloaded"), ("  of which in the worker", "WorkerTotalUnloaded"), ("  of which session.Run", "WorkerInferenceUnloaded"), ($"e2e loaded ({r["Clients"]} clients)", "EndToEndLoaded"), ("  of which in the worker", "WorkerTotalLoaded") })
        {
            if (r[key] is not { } s)
            {
                continue; // a report from an older bench, without this phase
            }

            lines.Add($"{name,-34}{s["Count"],8}{D(s["Throughput"]),10:F1}{D(s["P50Ms"]),10:F2}{D(s["P99Ms"]),10:F2}");
        }

        if (r["TransportOverheadIpc"] is { } ipcOverhead)
        {
            lines.Add(string.Empty);
            lines.Add($"{"per-request transport overhead (e2e − worker)",-34}{"count",8}{"",10}{"p50 ms",10}{"p99 ms",10}");
            foreach (var (name, key) in new[] { ("  MQTT 5 (embedded broker)", "TransportOverheadMqtt"), ("  MQTT 5 (through mosquitto)", "TransportOverheadMqttBroker"), ("  Greengrass IPC (local pub/sub)", "TransportOverheadIpc"), ("e2e unloaded over IPC", "EndToEndUnloadedIpc") })
            {
                if (r[key] is not { } s)
                {
                    continue; // measured only with --transport all
                }

                lines.Add($"{name,-34}{s["Count"],8}{"",10}{D(s["P50Ms"]),10:F2}{D(s["P99Ms"]),10:F2}");
            }
        }

        if (r["Stages"] is JsonObject stages)
        {
            lines.Add(string.Empty);
            lines.AddRange(StageTable(stages, r["Clients"]));
        }

        var ratio = D(r["Ratios"]!["ThroughputEndToEndOverRaw"]);
        var overhead = D(r["Ratios"]!["UnloadedP50OverheadMs"]);
        lines.Add(string.Empty);
        lines.Add(Check("e2e throughput / raw throughput", ratio, "≥ 0.85", ratio >= 0.85, "F3"));
        lines.Add(Check("JPEG→tensor p50 (ms)", D(r["JpegToTensor"]!["P50Ms"]), "≤ 2.0", D(r["JpegToTensor"]!["P50Ms"]) <= 2.0));
        lines.Add($"{"  naive / ours (same machine, same run)",-42}{D(r["Ratios"]!["JpegToTensorSpeedupOverNaive"]),10:F2}");
        lines.Add(Check("unloaded e2e p50 − raw decode+run p50 (ms)", overhead, "≤ 1.5", overhead <= 1.5));
        if (r["Ratios"]!["ThroughputEndToEndOverRawDecodeAndRun"] is { } overDecodeAndRun)
        {
            // Issue 12's targets: loaded throughput against a bare application's best concurrency, unloaded latency as a ratio.
            var unloadedRatio = D(r["Ratios"]!["UnloadedP50OverRawDecodeAndRun"]);
            lines.Add(Check("e2e throughput / raw decode+run (parallel)", D(overDecodeAndRun), "≥ 0.90", D(overDecodeAndRun) >= 0.90, "F3"));
            lines.Add(Check("unloaded e2e p50 / raw decode+run p50", unloadedRatio, "≤ 1.2", unloadedRatio <= 1.2, "F3"));
            var transport = D(r["TransportOverheadMqtt"]!["P50Ms"]);
            lines.Add(Check("MQTT e2e p50 − worker TotalMs, unloaded (ms)", transport, "≤ 1.5", transport <= 1.5));
        }

        lines.Add($"{"  load generator's share of all cores",-42}{D(r["LoadGeneratorCpuShare"]),10:P1}   (the bench client runs on the same machine)");
        if (r["TransportOverheadIpc"] is { } ipcOver)
        {
            var ipcP50 = D(ipcOver["P50Ms"]);
            var mqttP50 = D(r["TransportOverheadMqtt"]!["P50Ms"]);
            lines.Add(Check("IPC overhead p50 − MQTT (embedded) p50 (ms)", ipcP50 - mqttP50, "≤ 0", ipcP50 <= mqttP50));
            if (r["TransportOverheadMqttBroker"] is { } viaBroker)
            {
                // The same hops: client → broker process → worker and back, as client → nucleus → worker.
                var brokerP50 = D(viaBroker["P50Ms"]);
                lines.Add(Check("IPC overhead p50 − MQTT (mosquitto) p50 (ms)", ipcP50 - brokerP50, "≤ 0", ipcP50 <= brokerP50));
            }
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

    /// <summary>Where the time goes: one row per stage, one "p50 / p90" column per measured phase.</summary>
    private static IEnumerable<string> StageTable(JsonObject stages, JsonNode? clients)
    {
        var columns = new[] { ("MqttUnloaded", "MQTT unloaded"), ("MqttBrokerUnloaded", "mosquitto unl."), ("IpcUnloaded", "IPC unloaded"), ("MqttLoaded", $"MQTT {clients} clients") }
            .Where(c => stages[c.Item1] is JsonObject)
            .ToArray();
        const int Width = 17;
        yield return $"{"where the time goes, p50 / p90 ms",-36}" + string.Concat(columns.Select(c => $"{c.Item2,Width}"));
        foreach (var (key, label, _) in StageBreakdown.Stages)
        {
            yield return $"{"  " + label,-36}" + string.Concat(columns.Select(c => $"{Cell(stages[c.Item1]![key]),Width}"));
        }

        yield return $"{"  requests",-36}" + string.Concat(columns.Select(c => $"{stages[c.Item1]!["Count"],Width}"));
    }

    private static string Cell(JsonNode? stage)
    {
        static string Ms(JsonNode? node) => node is null ? "–" : node.GetValue<double>().ToString("F2", CultureInfo.InvariantCulture);
        return $"{Ms(stage?["P50Ms"])} / {Ms(stage?["P90Ms"])}";
    }

    private static string Check(string name, double value, string target, bool met, string format = "F2") =>
        $"{name,-42}{value.ToString(format, CultureInfo.InvariantCulture),10}   target {target,-8} {(met ? "met" : "MISSED")}";
}
