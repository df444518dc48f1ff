using System.Text.Json.Nodes;
using Xunit;

namespace EdgeInference.Client.Tests;

/// <summary>top's screen: one metrics report shown as aligned lines.</summary>
public sealed class MetricsViewTests
{
    [Fact]
    public void Format_Report_ShowsRatesErrorsPercentilesBatchesAndMemory()
    {
        var report = JsonNode.Parse("""
            {"ThingName":"dev1","Timestamp":"2026-11-30T10:00:10+00:00","IntervalSeconds":10,"Status":"RUNNING","ExecutionProvider":"CPUExecutionProvider",
             "Requests":42,"Succeeded":40,"RequestsPerSecond":4.2,"Errors":{"Busy":2},"BusyRefusals":2,
             "LatencyMs":{"Queue":{"P50":1.5,"P90":3,"P99":9,"Max":12},"Decode":{"P50":4,"P90":5,"P99":6,"Max":7},
                          "Inference":{"P50":25,"P90":27,"P99":30,"Max":31},"Total":{"P50":31.25,"P90":35,"P99":44,"Max":50}},
             "Batches":{"Runs":40,"MeanSize":1,"MaxSize":1,"RunsBySize":{"1":40}},"InFlight":1,
             "Totals":{"Requests":420,"Succeeded":400,"Errors":20,"BusyRefusals":20},"RssMB":190.5,"PeakRssMB":344}
            """)!;

        var lines = MetricsView.Format(report).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("dev1  RUNNING  CPUExecutionProvider", lines[0], StringComparison.Ordinal);
        Assert.Contains("requests 42 (4.2/s)  succeeded 40  busy 2  in flight 1", lines[1], StringComparison.Ordinal);
        Assert.Contains("Busy 2", lines[2], StringComparison.Ordinal);
        Assert.Equal(["Queue", "1.5", "3", "9", "12"], lines[4].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["Total", "31.25", "35", "44", "50"], lines[7].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("runs 40  mean 1  max 1  (1×40)", lines[8], StringComparison.Ordinal);
        Assert.Contains("RSS 190.5 MB (peak 344 MB)", lines[9], StringComparison.Ordinal);
    }

    [Fact]
    public void Format_FieldsMissing_ShowsDashesInsteadOfFailing()
    {
        var text = MetricsView.Format(JsonNode.Parse("""{"ThingName":"x"}""")!);

        Assert.Contains("errors   none", text, StringComparison.Ordinal);
        Assert.Contains("Queue            -", text, StringComparison.Ordinal);
    }
}
