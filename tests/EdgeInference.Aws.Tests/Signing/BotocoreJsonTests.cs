using System.Text;
using System.Text.Json.Nodes;
using EdgeInference.Aws.Signing;
using Xunit;

namespace EdgeInference.Aws.Tests.Signing;

public sealed class BotocoreJsonTests
{
    [Fact]
    public void Serialize_NestedObject_UsesPythonSeparatorsAndKeepsOrder()
    {
        var node = new JsonObject { ["inlineRecipe"] = "a+b/c==", ["tags"] = new JsonObject { ["k"] = "v" }, ["n"] = 5, ["flag"] = true, ["list"] = new JsonArray(1, 2) };

        var text = Encoding.UTF8.GetString(BotocoreJson.Serialize(node));

        Assert.Equal("{\"inlineRecipe\": \"a+b/c==\", \"tags\": {\"k\": \"v\"}, \"n\": 5, \"flag\": true, \"list\": [1, 2]}", text);
    }

    [Fact]
    public void Serialize_NonAsciiAndControlCharacters_EscapedLikeEnsureAscii()
    {
        var text = Encoding.UTF8.GetString(BotocoreJson.Serialize(JsonValue.Create("é\"\\\n\u0001\u007f")));

        Assert.Equal("\"\\u00e9\\\"\\\\\\n\\u0001\u007f\"", text);
    }
}
