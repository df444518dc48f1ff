using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Packaging;

namespace EdgeInference.LookoutVision.Datasets;

/// <summary>
/// One SageMaker Ground Truth manifest line as Lookout for Vision reads it: <c>source-ref</c>, <c>anomaly-label</c> (0 normal,
/// 1 anomaly) with <c>anomaly-label-metadata.class-name</c>, and optionally <c>anomaly-mask-ref</c> with
/// <c>anomaly-mask-ref-metadata.internal-color-map</c> ({"0": {"class-name": "BACKGROUND", "hex-color": "#ffffff"}, ...}).
/// </summary>
public sealed record ManifestLine
{
    public required int LineNumber { get; init; }
    public required string SourceRef { get; init; }
    public bool? IsAnomalous { get; init; }
    public string? ClassName { get; init; }
    public string? MaskRef { get; init; }

    /// <summary>Mask colours (lower-case <c>#rrggbb</c>) → whether the colour marks an anomaly (false for BACKGROUND).</summary>
    public IReadOnlyDictionary<string, bool>? MaskColors { get; init; }

    public required string Text { get; init; }

    public const string BackgroundClassName = "BACKGROUND";

    /// <exception cref="PackagingValidationException">The line is not JSON or breaks the format; the message names the line.</exception>
    public static ManifestLine Parse(string text, int lineNumber, string manifestName)
    {
        string Where() => $"{manifestName} line {lineNumber}";
        JsonObject json;
        try
        {
            json = JsonNode.Parse(text) as JsonObject ?? throw new PackagingValidationException($"{Where()} is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new PackagingValidationException($"{Where()} is not JSON: {ex.Message}", ex);
        }

        var source = String(json, "source-ref") ?? throw new PackagingValidationException($"{Where()} has no \"source-ref\".");
        bool? anomalous = json["anomaly-label"] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<int>(out var label) && label is 0 or 1 => label == 1,
            JsonValue value when value.TryGetValue<string>(out var label) && label is "0" or "1" => label == "1",
            var other => throw new PackagingValidationException($"{Where()}: \"anomaly-label\" is {other.ToJsonString()}; 0 (normal) or 1 (anomaly) is needed."),
        };
        var className = String(json["anomaly-label-metadata"] as JsonObject, "class-name");
        var maskRef = String(json, "anomaly-mask-ref");
        IReadOnlyDictionary<string, bool>? colors = null;
        if (maskRef is not null)
        {
            colors = ColorMap(json["anomaly-mask-ref-metadata"]?["internal-color-map"] as JsonObject, Where());
        }

        return new ManifestLine
        {
            LineNumber = lineNumber,
            SourceRef = source,
            IsAnomalous = anomalous,
            ClassName = className,
            MaskRef = maskRef,
            MaskColors = colors,
            Text = json.ToJsonString(),
        };
    }

    private static Dictionary<string, bool> ColorMap(JsonObject? map, string where)
    {
        if (map is null || map.Count == 0)
        {
            throw new PackagingValidationException($"{where}: \"anomaly-mask-ref\" needs \"anomaly-mask-ref-metadata\".\"internal-color-map\".");
        }

        var colors = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var (index, entry) in map)
        {
            var hex = String(entry as JsonObject, "hex-color")?.ToLowerInvariant();
            if (hex is null || hex.Length != 7 || hex[0] != '#' || !hex.Skip(1).All(char.IsAsciiHexDigit))
            {
                throw new PackagingValidationException($"{where}: internal-color-map entry \"{index}\" has no #RRGGBB \"hex-color\".");
            }

            var name = String(entry as JsonObject, "class-name");
            colors[hex] = !string.Equals(name, BackgroundClassName, StringComparison.OrdinalIgnoreCase);
        }

        if (!colors.ContainsValue(false))
        {
            // Ground Truth always lists BACKGROUND; a map without it gets Ground Truth's white background.
            colors.TryAdd("#ffffff", false);
        }

        return colors;
    }

    private static string? String(JsonObject? json, string name) =>
        json?[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
