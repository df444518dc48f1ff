using System.Text.Json.Nodes;
using Xunit;

namespace EdgeInference.Bench.Tests;

public sealed class BenchReportTests
{
    private static JsonObject Phase(double p50, double p99, double throughput = 100) => new()
    {
        ["Count"] = 1000, ["Seconds"] = 10.0, ["Throughput"] = throughput, ["P50Ms"] = p50, ["P99Ms"] = p99, ["MeanMs"] = p50,
    };

    private static JsonObject Report() => new()
    {
        ["Model"] = "resnet18-embedding",
        ["ExecutionProvider"] = "CPUExecutionProvider",
        ["IntraOpThreads"] = 2,
        ["MaxConcurrentRequests"] = 2,
        ["ImageBytes"] = 183_000,
        ["Clients"] = 4,
        ["JpegToTensor"] = Phase(1.8, 2.5),
        ["NaiveJpegToTensor"] = Phase(5.0, 6.0),
        ["RawSessionRun"] = Phase(9.7, 11, throughput: 200),
        ["RawDecodeAndRun"] = Phase(11.5, 13),
        ["RawDecodeAndRunParallel"] = Phase(20, 26, throughput: 160),
        ["EndToEndUnloaded"] = Phase(12.5, 15),
        ["WorkerTotalUnloaded"] = Phase(11.9, 14),
        ["WorkerInferenceUnloaded"] = Phase(9.8, 11),
        ["TransportOverheadMqtt"] = Phase(0.6, 1.1),
        ["EndToEndLoaded"] = Phase(40, 60, throughput: 150),
        ["WorkerTotalLoaded"] = Phase(20, 30),
        ["LoadGeneratorCpuShare"] = 0.12,
        ["Ratios"] = new JsonObject { ["ThroughputEndToEndOverRaw"] = 0.75, ["JpegToTensorSpeedupOverNaive"] = 2.78, ["UnloadedP50OverheadMs"] = 1.0, ["ThroughputEndToEndOverRawDecodeAndRun"] = 0.94, ["UnloadedP50OverRawDecodeAndRun"] = 1.09 },
        ["ColdStartMs"] = 900.0,
        ["WorkerPeakRssMB"] = 310.5,
    };

    [Fact]
    public void Format_TargetsMetAndMissed_SaysWhichForEach()
    {
        var lines = BenchReport.Format(Report()).Split(Environment.NewLine);

        Assert.StartsWith("model resnet18-embedding  provider CPUExecutionProvider", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("e2e throughput / raw throughput", StringComparison.Ordinal) && l.EndsWith("MISSED", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("JPEG→tensor p50 (ms)", StringComparison.Ordinal) && l.EndsWith("met", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("cold start to RUNNING (ms)", StringComparison.Ordinal) && l.EndsWith("met", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("worker peak RSS (MB)", StringComparison.Ordinal) && l.EndsWith("MISSED", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("IPC overhead", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("raw decode+run (×", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("e2e throughput / raw decode+run (parallel)", StringComparison.Ordinal) && l.Contains("0.940", StringComparison.Ordinal) && l.EndsWith("met", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("unloaded e2e p50 / raw decode+run p50", StringComparison.Ordinal) && l.EndsWith("met", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("MQTT e2e p50 − worker TotalMs, unloaded (ms)", StringComparison.Ordinal) && l.EndsWith("met", StringComparison.Ordinal));
    }

    [Fact]
    public void Format_IpcBesideBothMqttPaths_ChecksIpcAgainstEach()
    {
        var report = Report();
        report["TransportOverheadIpc"] = Phase(2.0, 4.0);
        report["EndToEndUnloadedIpc"] = Phase(14.0, 18.0);
        report["TransportOverheadMqttBroker"] = Phase(3.5, 6.0);

        var lines = BenchReport.Format(report).Split(Environment.NewLine);

        Assert.Contains(lines, l => l.StartsWith("  MQTT 5 (through mosquitto)", StringComparison.Ordinal) && l.Contains("3.50", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("IPC overhead p50 − MQTT (embedded) p50 (ms)", StringComparison.Ordinal) && l.Contains("1.40", StringComparison.Ordinal) && l.EndsWith("MISSED", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("IPC overhead p50 − MQTT (mosquitto) p50 (ms)", StringComparison.Ordinal) && l.Contains("-1.50", StringComparison.Ordinal) && l.EndsWith("met", StringComparison.Ordinal));
    }

    [Fact]
    public void Format_IpcWithoutTheBrokerPath_ComparesWithTheEmbeddedBrokerOnly()
    {
        var report = Report();
        report["TransportOverheadIpc"] = Phase(0.5, 1.0);
        report["EndToEndUnloadedIpc"] = Phase(12.0, 15.0);

        var lines = BenchReport.Format(report).Split(Environment.NewLine);

        Assert.DoesNotContain(lines, l => l.Contains("mosquitto", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("IPC overhead p50 − MQTT (embedded) p50 (ms)", StringComparison.Ordinal) && l.EndsWith("met", StringComparison.Ordinal));
    }

    [Fact]
    public void Format_ReportOfAnOlderBench_SkipsWhatItLacks()
    {
        var report = Report();
        report.Remove("RawDecodeAndRunParallel");
        var ratios = report["Ratios"]!.AsObject();
        ratios.Remove("ThroughputEndToEndOverRawDecodeAndRun");
        ratios.Remove("UnloadedP50OverRawDecodeAndRun");

        var lines = BenchReport.Format(report).Split(Environment.NewLine);

        Assert.DoesNotContain(lines, l => l.StartsWith("raw decode+run (×", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("e2e throughput / raw decode+run (parallel)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("e2e throughput / raw throughput", StringComparison.Ordinal));
    }

    [Fact]
    public void Format_WithStages_TableOfP50AndP90PerStageAndPhase()
    {
        var report = Report();
        var samples = Enumerable.Range(1, 10).Select(i => new StageSample(EndToEndMs: 14 + i, QueueMs: 0.1, DecodeMs: 2, InferenceMs: 10, TotalMs: 13)).ToList();
        report["Stages"] = new JsonObject
        {
            ["MqttUnloaded"] = StageBreakdown.ToJson(samples),
            ["IpcUnloaded"] = StageBreakdown.ToJson([]),
            ["MqttLoaded"] = StageBreakdown.ToJson(samples),
        };

        var lines = BenchReport.Format(report).Split(Environment.NewLine);

        var header = Assert.Single(lines, l => l.StartsWith("where the time goes, p50 / p90 ms", StringComparison.Ordinal));
        Assert.Contains("MQTT unloaded", header, StringComparison.Ordinal);
        Assert.Contains("IPC unloaded", header, StringComparison.Ordinal);
        Assert.Contains("MQTT 4 clients", header, StringComparison.Ordinal);
        var transport = Assert.Single(lines, l => l.StartsWith("  transport + head (e2e − TotalMs)", StringComparison.Ordinal));
        Assert.Contains("6.00 / 10.00", transport, StringComparison.Ordinal);
        Assert.Contains("– / –", transport, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("  session.Run (InferenceMs)", StringComparison.Ordinal) && l.Contains("10.00 / 10.00", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  rest of TotalMs (hand-offs, output)", StringComparison.Ordinal) && l.Contains("0.90 / 0.90", StringComparison.Ordinal));
    }
}
