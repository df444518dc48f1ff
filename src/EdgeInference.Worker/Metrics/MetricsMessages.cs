using System.Text.Json;
using EdgeInference.Core.Json;
using EdgeInference.Core.Results;

namespace EdgeInference.Worker.Metrics;

/// <summary>One metrics report as a head publishes it: the JSON report and, for the CloudWatch metrics component, one message per metric.</summary>
public sealed record MetricsMessages(string Topic, byte[] Json, string? CloudWatchTopic, IReadOnlyList<byte[]> CloudWatch)
{
    /// <summary>
    /// Shapes <paramref name="report"/>: the JSON for <paramref name="topic"/>, and (with a <paramref name="cloudWatchTopic"/>)
    /// the input messages of <c>aws.greengrass.Cloudwatch</c>:
    /// <c>{"request":{"namespace","metricData":{"metricName","dimensions":[{"name","value"}],"value","unit","timestamp"}}}</c>,
    /// timestamp in epoch seconds, dimension <c>ThingName</c>.
    /// </summary>
    public static MetricsMessages From(MetricsReport report, string topic, string? cloudWatchTopic, string cloudWatchNamespace)
    {
        ArgumentNullException.ThrowIfNull(report);
        var json = JsonSerializer.SerializeToUtf8Bytes(report, CoreJsonContext.Default.MetricsReport);
        if (string.IsNullOrEmpty(cloudWatchTopic))
        {
            return new MetricsMessages(topic, json, null, []);
        }

        var timestamp = report.Timestamp.ToUnixTimeSeconds();
        var data = new List<(string Name, double Value, string Unit)>
        {
            ("Requests", report.Requests, "Count"),
            ("Succeeded", report.Succeeded, "Count"),
            ("Errors", report.Errors.Values.Sum(), "Count"),
            ("BusyRefusals", report.BusyRefusals, "Count"),
        };
        if (report.Succeeded > 0)
        {
            data.Add(("QueueP50", report.LatencyMs.Queue.P50, "Milliseconds"));
            data.Add(("DecodeP50", report.LatencyMs.Decode.P50, "Milliseconds"));
            data.Add(("InferenceP50", report.LatencyMs.Inference.P50, "Milliseconds"));
            data.Add(("TotalP50", report.LatencyMs.Total.P50, "Milliseconds"));
            data.Add(("TotalP99", report.LatencyMs.Total.P99, "Milliseconds"));
            data.Add(("BatchSizeMean", report.Batches.MeanSize, "None"));
        }

        data.Add(("RssMB", report.RssMB, "Megabytes"));
        var messages = data.Select(d => Datum(cloudWatchNamespace, report.ThingName, d.Name, d.Value, d.Unit, timestamp)).ToArray();
        return new MetricsMessages(topic, json, cloudWatchTopic, messages);
    }

    private static byte[] Datum(string ns, string thingName, string name, double value, string unit, long timestamp)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("request"u8);
            writer.WriteString("namespace"u8, ns);
            writer.WriteStartObject("metricData"u8);
            writer.WriteString("metricName"u8, name);
            writer.WriteStartArray("dimensions"u8);
            writer.WriteStartObject();
            writer.WriteString("name"u8, "ThingName");
            writer.WriteString("value"u8, thingName);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteNumber("value"u8, double.IsFinite(value) ? value : 0);
            writer.WriteString("unit"u8, unit);
            writer.WriteNumber("timestamp"u8, timestamp);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
