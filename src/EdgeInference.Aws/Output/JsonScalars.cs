using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeInference.Aws.Output;

/// <summary>How the text and table formats spell a JSON scalar (Python's <c>str()</c>, as the AWS CLI does).</summary>
public static class JsonScalars
{
    public static bool IsScalar(JsonNode? node) => node is null or JsonValue;

    public static string ToText(JsonNode? node)
    {
        if (node is null)
        {
            return "None";
        }

        return node.GetValueKind() switch
        {
            JsonValueKind.String => node.GetValue<string>(),
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            JsonValueKind.Null => "None",
            _ => node.ToJsonString(),
        };
    }
}
