using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeInference.Bench;

/// <summary>One answered request: the client's latency and the worker's own <c>Timings</c> from the reply.</summary>
public readonly record struct StageSample(double EndToEndMs, double QueueMs, double DecodeMs, double InferenceMs, double TotalMs)
{
    /// <summary>Everything outside the worker's TotalMs: both transport legs, the head, reading the request, serialising the reply, the client.</summary>
    public double TransportMs => EndToEndMs - TotalMs;

    /// <summary>TotalMs less its measured parts: hand-offs between queue, decode gate and run lane, and reading the output.</summary>
    public double RestMs => TotalMs - QueueMs - DecodeMs - InferenceMs;

    /// <summary>The sample of a reply carrying <c>Timings</c> (decode and preprocess counted together); null for an error reply.</summary>
    public static StageSample? FromReply(double endToEndMs, JsonElement reply)
    {
        if (reply.ValueKind != JsonValueKind.Object || !reply.TryGetProperty("Timings", out var t) || t.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        double Ms(string name) => t.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;
        return new StageSample(endToEndMs, Ms("QueueMs"), Ms("DecodeMs") + Ms("PreprocessMs"), Ms("InferenceMs"), Ms("TotalMs"));
    }
}

/// <summary>Where the time of a phase's requests went, stage by stage: p50 and p90 of each over the phase's samples.</summary>
public static class StageBreakdown
{
    /// <summary>The stages in report order: JSON key, report label, value.</summary>
    public static IReadOnlyList<(string Key, string Label, Func<StageSample, double> Value)> Stages { get; } =
    [
        ("EndToEnd", "e2e, client to client", s => s.EndToEndMs),
        ("Transport", "transport + head (e2e − TotalMs)", s => s.TransportMs),
        ("Queue", "waiting in the worker (QueueMs)", s => s.QueueMs),
        ("Decode", "decode + preprocess", s => s.DecodeMs),
        ("Inference", "session.Run (InferenceMs)", s => s.InferenceMs),
        ("Rest", "rest of TotalMs (hand-offs, output)", s => s.RestMs),
    ];

    /// <summary><c>{"Count": n, "Transport": {"P50Ms", "P90Ms"}, …}</c> (percentiles null without samples).</summary>
    public static JsonObject ToJson(IReadOnlyCollection<StageSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var node = new JsonObject { ["Count"] = samples.Count };
        foreach (var (key, _, value) in Stages)
        {
            var sorted = samples.Select(value).Order().ToArray();
            node[key] = new JsonObject
            {
                ["P50Ms"] = Percentile(sorted, 0.50),
                ["P90Ms"] = Percentile(sorted, 0.90),
            };
        }

        return node;
    }

    private static JsonNode? Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? null : JsonValue.Create(Math.Round(LatencyStats.Percentile(sorted, quantile), 2));
}
