using System.Text.Json.Nodes;
using EdgeInference.Cli.Commands.Client;
using Xunit;

namespace EdgeInference.Cli.Tests.Commands.Client;

/// <summary>infer's default output summarises a 512-float embedding instead of printing one number per line.</summary>
public sealed class InferOutputTests
{
    private static JsonNode Reply()
    {
        var values = Enumerable.Range(0, 512).Select(i => JsonValue.Create(i == 0 ? 3.0 : i == 1 ? 4.0 : 0.0));
        return new JsonObject { ["RequestId"] = "r1", ["Embedding"] = new JsonArray([.. values]), ["Timings"] = new JsonObject { ["TotalMs"] = 12.5 } };
    }

    [Fact]
    public void Format_DefaultEmbedding_SummarisedAsDimensionsNormAndFirstValues()
    {
        var text = InferOutput.Format(Reply(), "text", full: false);

        var printed = JsonNode.Parse(text)!;
        Assert.Equal(512, printed["Embedding"]!["Dimensions"]!.GetValue<int>());
        Assert.Equal(5.0, printed["Embedding"]!["Norm"]!.GetValue<double>());
        Assert.Equal([3.0, 4.0, 0.0, 0.0, 0.0], printed["Embedding"]!["First"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal("r1", printed["RequestId"]!.GetValue<string>());
        Assert.True(text.Split('\n').Length < 30, text);
    }

    [Fact]
    public void Format_Full_PrintsEveryValue()
    {
        var printed = JsonNode.Parse(InferOutput.Format(Reply(), "text", full: true))!;

        Assert.Equal(512, printed["Embedding"]!.AsArray().Count);
    }

    [Fact]
    public void Format_OutputJson_IsTheWholeReplyOnOneLine()
    {
        var text = InferOutput.Format(Reply(), "json", full: false);

        Assert.DoesNotContain('\n', text);
        Assert.Equal(512, JsonNode.Parse(text)!["Embedding"]!.AsArray().Count);
    }

    [Fact]
    public void Compact_AnomalyMask_ReplacedBySize_ClassificationsKept()
    {
        var reply = new JsonObject
        {
            ["DetectAnomalyResult"] = new JsonObject { ["IsAnomalous"] = true, ["AnomalyMask"] = Convert.ToBase64String(new byte[300]) },
            ["Classifications"] = new JsonArray(new JsonObject { ["Label"] = "red", ["Confidence"] = 0.9 }),
        };

        var compact = InferOutput.Compact(reply)!;

        Assert.Equal("(PNG, 300 bytes; --full prints it)", compact["DetectAnomalyResult"]!["AnomalyMask"]!.GetValue<string>());
        Assert.True(compact["DetectAnomalyResult"]!["IsAnomalous"]!.GetValue<bool>());
        Assert.Equal("red", compact["Classifications"]![0]!["Label"]!.GetValue<string>());
        Assert.NotNull(reply["DetectAnomalyResult"]!["AnomalyMask"]!.GetValue<string>()); // the reply itself untouched
    }
}
