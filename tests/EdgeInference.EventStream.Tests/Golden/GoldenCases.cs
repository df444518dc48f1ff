using System.Text.Json;

namespace EdgeInference.EventStream.Tests.Golden;

/// <summary>One frame produced by @smithy/eventstream-codec with the values that produced it.</summary>
internal sealed record GoldenCase(string Name, EventStreamMessage Message, byte[] Frame);

/// <summary>Loads Golden/golden-frames.json (written by generate-golden.mjs).</summary>
internal static class GoldenCases
{
    public const string FileName = "golden-frames.json";

    private static readonly Lazy<IReadOnlyDictionary<string, GoldenCase>> All = new(Load);

    public static IEnumerable<string> Names => All.Value.Keys;

    public static GoldenCase Get(string name) => All.Value[name];

    public static string OutputPath => Path.Combine(AppContext.BaseDirectory, "Golden", FileName);

    private static Dictionary<string, GoldenCase> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(OutputPath));
        var cases = new Dictionary<string, GoldenCase>(StringComparer.Ordinal);
        foreach (var item in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            var headers = item.GetProperty("headers").EnumerateArray()
                .Select(h => new EventStreamHeader(h.GetProperty("name").GetString()!, ToValue(h.GetProperty("type").GetString()!, h.GetProperty("value"))))
                .ToArray();
            var payload = Convert.FromHexString(item.GetProperty("payloadHex").GetString()!);
            var name = item.GetProperty("name").GetString()!;
            cases.Add(name, new GoldenCase(name, new EventStreamMessage(headers, payload), Convert.FromHexString(item.GetProperty("frameHex").GetString()!)));
        }

        return cases;
    }

    private static HeaderValue ToValue(string type, JsonElement value) => type switch
    {
        "boolean" => HeaderValue.FromBool(value.GetBoolean()),
        "byte" => HeaderValue.FromByte(value.GetSByte()),
        "short" => HeaderValue.FromInt16(value.GetInt16()),
        "integer" => HeaderValue.FromInt32(value.GetInt32()),
        "long" => HeaderValue.FromInt64(long.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture)),
        "binary" => HeaderValue.FromBytes(Convert.FromHexString(value.GetString()!)),
        "string" => HeaderValue.FromString(value.GetString()!),
        "timestamp" => HeaderValue.FromTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(value.GetInt64())),
        "uuid" => HeaderValue.FromUuid(Guid.Parse(value.GetString()!)),
        _ => throw new InvalidDataException($"Unknown golden header type '{type}'."),
    };
}
