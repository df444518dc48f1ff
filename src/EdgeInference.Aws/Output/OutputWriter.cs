using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DevLab.JmesPath;
using EdgeInference.Greengrass.Recipes.Yaml;

namespace EdgeInference.Aws.Output;

/// <summary>
/// Prints a JSON reply the way the AWS CLI does: <c>--query</c> (JMESPath) first, then json, yaml, text or table.
/// </summary>
public static class OutputWriter
{
    private static readonly JsonSerializerOptions IndentedJson = new()
    {
        WriteIndented = true,
        IndentSize = 4,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Applies the query and writes the result; <paramref name="title"/> heads a table (the operation name).</summary>
    /// <exception cref="OutputQueryException">The query is not valid JMESPath.</exception>
    public static void Write(TextWriter writer, JsonNode? reply, OutputSettings settings, string title)
    {
        var value = settings.Query is { Length: > 0 } query ? ApplyQuery(reply, query) : reply;
        switch (settings.Format)
        {
            case OutputFormat.Yaml:
                YamlJson.Write(writer, value);
                break;
            case OutputFormat.Text:
                AwsTextFormat.Write(writer, value);
                break;
            case OutputFormat.Table:
                AwsTableFormat.Write(writer, value, title);
                break;
            default:
                writer.WriteLine(ToJson(value));
                break;
        }
    }

    /// <summary>Indented JSON (4 spaces, non-ASCII kept), as the AWS CLI prints it.</summary>
    public static string ToJson(JsonNode? value) =>
        value is null ? "null" : value.ToJsonString(IndentedJson);

    /// <summary>Runs a JMESPath expression over <paramref name="reply"/>.</summary>
    public static JsonNode? ApplyQuery(JsonNode? reply, string query)
    {
        string transformed;
        try
        {
            transformed = new JmesPath().Transform(reply?.ToJsonString() ?? "null", query);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new OutputQueryException($"Bad value for --query {query}: {ex.Message}", ex);
        }

        return JsonNode.Parse(transformed);
    }
}

/// <summary>The <c>--query</c> expression could not be parsed or evaluated.</summary>
public sealed class OutputQueryException(string message, Exception inner) : Exception(message, inner);
