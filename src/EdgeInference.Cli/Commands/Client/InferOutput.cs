using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeInference.Cli.Commands.Client;

/// <summary>
/// How <c>infer</c> prints a reply: by default the result JSON with the bulky parts summarised (an embedding as its
/// dimension count, L2 norm and first values; an anomaly mask as its size), classifications as the worker sent them
/// (its top-k); <c>--full</c> prints everything, <c>--output json</c> everything on one line for scripts.
/// </summary>
internal static class InferOutput
{
    /// <summary>How many leading embedding values the compact form keeps.</summary>
    public const int EmbeddingPreview = 5;

    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    public static string Format(JsonNode? reply, string output, bool full) => output switch
    {
        "json" => reply?.ToJsonString() ?? "null",
        _ => (full ? reply : Compact(reply))?.ToJsonString(Pretty) ?? "null",
    };

    /// <summary>A copy of <paramref name="reply"/> with <c>Embedding</c> and <c>AnomalyMask</c> summarised; anything else unchanged.</summary>
    public static JsonNode? Compact(JsonNode? reply)
    {
        if (reply is not JsonObject source)
        {
            return reply?.DeepClone();
        }

        var compact = source.DeepClone().AsObject();
        if (compact["Embedding"] is JsonArray embedding)
        {
            var values = embedding.Select(v => v?.GetValue<double>() ?? 0).ToArray();
            compact["Embedding"] = new JsonObject
            {
                ["Dimensions"] = values.Length,
                ["Norm"] = Math.Round(Math.Sqrt(values.Sum(v => v * v)), 4),
                ["First"] = new JsonArray([.. values.Take(EmbeddingPreview).Select(v => JsonValue.Create(Math.Round(v, 4)))]),
                ["Note"] = "summarised: --full prints every value",
            };
        }

        if (compact["DetectAnomalyResult"] is JsonObject anomaly && anomaly["AnomalyMask"] is JsonValue mask && mask.TryGetValue<string>(out var base64))
        {
            anomaly["AnomalyMask"] = string.Create(CultureInfo.InvariantCulture, $"(PNG, {base64.Length * 3 / 4} bytes; --full prints it)");
        }

        return compact;
    }
}
