using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace EdgeInference.Client;

/// <summary>
/// <c>edge-inference top</c>'s screen: one worker metrics report (the JSON on <c>edge-inference/{ThingName}/metrics</c>)
/// as a few aligned lines — throughput, errors, Busy refusals, latency percentiles per stage, batch sizes, memory.
/// </summary>
public static class MetricsView
{
    /// <summary>Clears an ANSI terminal and homes the cursor (written before each report when the output is a terminal).</summary>
    public const string ClearScreen = "\u001b[H\u001b[2J";

    public static string Format(JsonNode report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"{report["ThingName"]}  {report["Status"]}  {report["ExecutionProvider"]}  {report["Timestamp"]}  (interval {Number(report["IntervalSeconds"])} s)");
        text.AppendLine(inv, $"requests {report["Requests"]} ({Number(report["RequestsPerSecond"])}/s)  succeeded {report["Succeeded"]}  busy {report["BusyRefusals"]}  in flight {report["InFlight"]}");
        var errors = report["Errors"]?.AsObject();
        text.AppendLine(inv, $"errors   {(errors is { Count: > 0 } ? string.Join("  ", errors.Select(e => $"{e.Key} {e.Value}")) : "none")}");
        text.AppendLine("latency ms      p50       p90       p99       max");
        foreach (var stage in new[] { "Queue", "Decode", "Inference", "Total" })
        {
            var p = report["LatencyMs"]?[stage];
            text.AppendLine(inv, $"  {stage,-10}{Number(p?["P50"]),8}  {Number(p?["P90"]),8}  {Number(p?["P99"]),8}  {Number(p?["Max"]),8}");
        }

        var batches = report["Batches"];
        var bySize = batches?["RunsBySize"]?.AsObject();
        text.AppendLine(inv, $"batches  runs {batches?["Runs"]}  mean {Number(batches?["MeanSize"])}  max {batches?["MaxSize"]}{(bySize is { Count: > 0 } ? "  (" + string.Join(", ", bySize.Select(b => $"{b.Key}×{b.Value}")) + ")" : string.Empty)}");
        var totals = report["Totals"];
        text.AppendLine(inv, $"since start  requests {totals?["Requests"]}  errors {totals?["Errors"]}  busy {totals?["BusyRefusals"]}   RSS {Number(report["RssMB"])} MB (peak {Number(report["PeakRssMB"])} MB)");
        return text.ToString();
    }

    private static string Number(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<double>(out var number) ? number.ToString("0.##", CultureInfo.InvariantCulture) : "-";
}
