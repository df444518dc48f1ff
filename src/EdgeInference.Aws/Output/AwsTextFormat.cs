using System.Text.Json.Nodes;

namespace EdgeInference.Aws.Output;

/// <summary>
/// The AWS CLI's <c>--output text</c>: scalars of an object on one tab-separated line (keys sorted), nested values after,
/// each list of objects prefixed by its key in upper case (a port of awscli's <c>text.py</c>).
/// </summary>
public static class AwsTextFormat
{
    public static void Write(TextWriter writer, JsonNode? value) => Format(writer, value, identifier: null, scalarKeys: null);

    private static void Format(TextWriter writer, JsonNode? item, string? identifier, IReadOnlyList<string>? scalarKeys)
    {
        switch (item)
        {
            case JsonObject obj:
                FormatObject(writer, obj, identifier, scalarKeys);
                break;
            case JsonArray array:
                FormatArray(writer, array, identifier);
                break;
            default:
                writer.Write(JsonScalars.ToText(item));
                writer.Write('\n');
                break;
        }
    }

    private static void FormatArray(TextWriter writer, JsonArray array, string? identifier)
    {
        if (array.Count == 0)
        {
            return;
        }

        if (array.Any(e => e is JsonObject))
        {
            var keys = array.OfType<JsonObject>()
                .SelectMany(o => o.Where(p => JsonScalars.IsScalar(p.Value)).Select(p => p.Key))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
            foreach (var element in array)
            {
                Format(writer, element, identifier, keys);
            }

            return;
        }

        var scalars = array.Where(JsonScalars.IsScalar).ToList();
        if (scalars.Count > 0)
        {
            if (identifier is not null)
            {
                foreach (var scalar in scalars)
                {
                    writer.Write($"{identifier.ToUpperInvariant()}\t{JsonScalars.ToText(scalar)}\n");
                }
            }
            else
            {
                writer.Write(string.Join('\t', scalars.Select(JsonScalars.ToText)));
                writer.Write('\n');
            }
        }

        foreach (var nested in array.Where(e => !JsonScalars.IsScalar(e)))
        {
            Format(writer, nested, identifier, scalarKeys: null);
        }
    }

    private static void FormatObject(TextWriter writer, JsonObject obj, string? identifier, IReadOnlyList<string>? scalarKeys)
    {
        var scalars = new List<string>();
        var nonScalars = new List<KeyValuePair<string, JsonNode?>>();
        if (scalarKeys is null)
        {
            foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (JsonScalars.IsScalar(value))
                {
                    scalars.Add(JsonScalars.ToText(value));
                }
                else
                {
                    nonScalars.Add(new(key, value));
                }
            }
        }
        else
        {
            scalars.AddRange(scalarKeys.Select(k => JsonScalars.ToText(obj.TryGetPropertyValue(k, out var v) ? v : null)));
            nonScalars.AddRange(obj.Where(p => !scalarKeys.Contains(p.Key, StringComparer.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal));
        }

        if (scalars.Count > 0)
        {
            if (identifier is not null)
            {
                scalars.Insert(0, identifier.ToUpperInvariant());
            }

            writer.Write(string.Join('\t', scalars));
            writer.Write('\n');
        }

        foreach (var (key, value) in nonScalars)
        {
            Format(writer, value, key, scalarKeys: null);
        }
    }
}
