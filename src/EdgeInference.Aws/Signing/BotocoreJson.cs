using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace EdgeInference.Aws.Signing;

/// <summary>
/// Writes JSON the way botocore's <c>json.dumps</c> does (<c>", "</c> and <c>": "</c> separators, non-ASCII escaped),
/// so a request body is byte-for-byte what the AWS CLI sends for the same input.
/// </summary>
public static class BotocoreJson
{
    public static byte[] Serialize(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static void Write(StringBuilder builder, JsonNode? node)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append('{');
                var firstMember = true;
                foreach (var (name, value) in obj)
                {
                    if (!firstMember)
                    {
                        builder.Append(", ");
                    }

                    firstMember = false;
                    WriteString(builder, name);
                    builder.Append(": ");
                    Write(builder, value);
                }

                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    Write(builder, array[i]);
                }

                builder.Append(']');
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                WriteString(builder, text);
                break;
            case JsonValue value when value.TryGetValue<bool>(out var flag):
                builder.Append(flag ? "true" : "false");
                break;
            default:
                builder.Append(node.ToJsonString());
                break;
        }
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7F)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
