using System.Text.Json.Nodes;
using EdgeInference.Aws.Output;
using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.Aws.Tests.Output;

public sealed class OutputWriterTests
{
    private static readonly JsonNode Reply = JsonNode.Parse("""
        {"ModelPackagingJobs": [
            {"JobName": "j1", "Status": "SUCCEEDED", "CreationTimestamp": 1700000000.5},
            {"JobName": "j2", "Status": "FAILED", "StatusMessage": "no bucket", "CreationTimestamp": 1700000001}],
         "NextToken": "abc="}
        """)!;

    private static string Write(JsonNode? value, OutputFormat format, string? query = null)
    {
        var writer = new StringWriter();
        OutputWriter.Write(writer, value, new OutputSettings(format, query), "ListModelPackagingJobs");
        return writer.ToString();
    }

    [Fact]
    public void Write_Json_IndentsFourSpacesLikeAwsCli()
    {
        var text = Write(JsonNode.Parse("""{"A": {"B": "é"}}"""), OutputFormat.Json);

        Assert.Equal("{\n    \"A\": {\n        \"B\": \"é\"\n    }\n}\n", text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Write_Text_ListOfObjectsPrefixedByUpperKeyWithSortedScalarColumns()
    {
        var text = Write(Reply, OutputFormat.Text);

        Assert.Equal(
            "abc=\n"
            + "MODELPACKAGINGJOBS\t1700000000.5\tj1\tSUCCEEDED\tNone\n"
            + "MODELPACKAGINGJOBS\t1700000001\tj2\tFAILED\tno bucket\n",
            text);
    }

    [Fact]
    public void Write_QueryThenText_TabSeparatesAList()
    {
        Assert.Equal("j1\tj2\n", Write(Reply, OutputFormat.Text, "ModelPackagingJobs[].JobName"));
    }

    [Fact]
    public void Write_QueryFilter_SelectsMatchingObjects()
    {
        var text = Write(Reply, OutputFormat.Json, "ModelPackagingJobs[?Status=='FAILED'].StatusMessage | [0]");

        Assert.Equal("\"no bucket\"\n", text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Write_BadQuery_ThrowsOutputQueryException() =>
        Assert.Throws<OutputQueryException>(() => Write(Reply, OutputFormat.Json, "ModelPackagingJobs[?"));

    [Fact]
    public void Write_Yaml_RoundTripsAndQuotesAmbiguousStrings()
    {
        var value = JsonNode.Parse("""{"Version": "2020-01-25", "Flag": "yes", "Number": "1.5", "Plain": "com.example.X", "Real": 2.5, "Bool": true, "Empty": [], "Script": "a\nb"}""")!;

        var yaml = Write(value, OutputFormat.Yaml);

        Assert.Contains("Version: \"2020-01-25\"\n", yaml);
        Assert.Contains("Flag: \"yes\"\n", yaml);
        Assert.Contains("Number: \"1.5\"\n", yaml);
        Assert.Contains("Plain: com.example.X\n", yaml);
        Assert.Contains("Real: 2.5\n", yaml);
        Assert.Contains("Bool: true\n", yaml);
        Assert.Contains("Empty: []\n", yaml);
        Assert.Contains("Script: |-\n  a\n  b\n", yaml);
        var readBack = IndependentYaml.ToJson(yaml);
        Assert.Equal("2020-01-25", readBack["Version"]!.GetValue<string>());
        Assert.Equal("yes", readBack["Flag"]!.GetValue<string>());
        Assert.Equal("a\nb", readBack["Script"]!.GetValue<string>());
    }

    [Fact]
    public void Write_Table_BoxesTitleHeadersAndRows()
    {
        var lines = Write(Reply, OutputFormat.Table).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.All(lines, l => Assert.Equal(lines[0].Length, l.Length));
        Assert.Contains("ListModelPackagingJobs", lines[1]);
        Assert.Contains(lines, l => l.Contains("ModelPackagingJobs", StringComparison.Ordinal) && l.StartsWith("||", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("JobName", StringComparison.Ordinal) && l.Contains("StatusMessage", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("j2", StringComparison.Ordinal) && l.Contains("no bucket", StringComparison.Ordinal));
        Assert.StartsWith("---", lines[0]);
        Assert.StartsWith("+", lines[^1]);
    }
}
