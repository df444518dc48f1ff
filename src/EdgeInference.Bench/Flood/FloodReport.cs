using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace EdgeInference.Bench.Flood;

/// <summary>The text form of a <see cref="FloodBenchmark"/> report.</summary>
public static class FloodReport
{
    public static string Format(JsonObject report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var target = report["TargetRatio"]!.GetValue<double>();
        var text = new StringBuilder();
        string Num(string key) => report[key]?.ToString() ?? "?";
        string Verdict(string key) => report[key] is { } ratio ? (ratio.GetValue<double>() <= target ? "met" : "MISSED") : "?";
        text.AppendLine(CultureInfo.InvariantCulture, $"model {Num("Model")}  image {Num("ImageBytes")} B  limits {report["Limits"]?.ToJsonString()}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"steady-state RSS (1 client, median of the settled half)",-58}{Num("SteadyRssMB"),10} MB");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"flood: " + Counts(report["Flood"]),-58}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"RSS peak under the flood",-58}{Num("FloodPeakRssMB"),10} MB   {Num("FloodPeakOverSteady")}× steady   target ≤ {target}×   {Verdict("FloodPeakOverSteady")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"RSS 3 s after the flood",-58}{Num("AfterFloodRssMB"),10} MB");
        if (report["Hostile"] is JsonArray hostile)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"{"hostile input",-44}{"bytes",12}  {"answer",-40} next request");
            foreach (var entry in hostile)
            {
                var answer = entry!["Answer"]!.GetValue<string>();
                text.AppendLine(CultureInfo.InvariantCulture, $"{entry["Input"],-44}{entry["Bytes"],12}  {(answer.Length > 40 ? answer[..39] + "…" : answer),-40} {(entry["NextRequestServed"]!.GetValue<bool>() ? "served" : "NOT SERVED")}{(entry["Coded"]!.GetValue<bool>() ? "" : "   (not the expected code)")}");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"{"RSS peak during the hostile inputs",-58}{Num("HostilePeakRssMB"),10} MB   {Num("HostilePeakOverSteady")}× steady   target ≤ {target}×   {Verdict("HostilePeakOverSteady")}");
            text.AppendLine(CultureInfo.InvariantCulture, $"{"every hostile input answered with its code",-58}{Num("HostileAllAnsweredWithTheirCode"),10}");
            text.AppendLine(CultureInfo.InvariantCulture, $"{"the next request served after each",-58}{Num("HostileNextRequestAlwaysServed"),10}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{"worker lifetime peak RSS (VmHWM, model load included)",-58}{Num("LifetimePeakRssMB"),10} MB");
        return text.ToString();
    }

    private static string Counts(JsonNode? counts) =>
        counts is null ? "?" : $"{counts["Sent"]} sent, {counts["Results"]} results, errors {counts["Errors"]?.ToJsonString()}, {counts["Unanswered"]} unanswered";
}
