using System.Text.Json.Nodes;
using EdgeInference.Core.Packaging;
using EdgeInference.Worker.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeInference.Worker.Tests.Models;

public sealed class PackagingDescriptionOptionsTests
{
    [Fact]
    public void From_ConfigurationKeys_ReadsNestedObjectsArraysEnumsAndEpochTimestamps()
    {
        var description = PackagingDescriptionOptions.From(Configuration(new Dictionary<string, string?>
        {
            ["ModelPackagingDescription:JobName"] = "job-7",
            ["ModelPackagingDescription:ModelVersion"] = "3",
            ["ModelPackagingDescription:Status"] = "SUCCEEDED",
            ["ModelPackagingDescription:CreationTimestamp"] = "1764201600.25",
            ["ModelPackagingDescription:ModelPackagingConfiguration:Greengrass:ComponentName"] = "com.example.Model",
            ["ModelPackagingDescription:ModelPackagingConfiguration:Greengrass:Tags:0:Key"] = "line",
            ["ModelPackagingDescription:ModelPackagingConfiguration:Greengrass:Tags:0:Value"] = "7",
            ["ModelPackagingDescription:ModelPackagingOutputDetails:Greengrass:ComponentVersionArn"] = "arn:aws:greengrass:eu-west-1:111122223333:components:com.example.Model:versions:3.0.0",
        })).Description!;

        Assert.Equal("job-7", description.JobName);
        Assert.Equal("3", description.ModelVersion);
        Assert.Equal(ModelPackagingJobStatus.SUCCEEDED, description.Status);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764201600250), description.CreationTimestamp);
        Assert.Equal("line", description.ModelPackagingConfiguration!.Greengrass!.Tags![0].Key);
        Assert.Equal("arn:aws:greengrass:eu-west-1:111122223333:components:com.example.Model:versions:3.0.0", description.ModelPackagingOutputDetails!.Greengrass!.ComponentVersionArn);
    }

    [Fact]
    public void From_SectionAbsent_IsNull() =>
        Assert.Null(PackagingDescriptionOptions.From(new ConfigurationBuilder().Build()).Description);

    [Fact]
    public void From_BadStatus_ThrowsNamingTheSection()
    {
        var error = Assert.Throws<OptionsValidationException>(() => PackagingDescriptionOptions.From(Configuration(new Dictionary<string, string?> { ["ModelPackagingDescription:Status"] = "DONE" })));

        Assert.Contains("ModelPackagingDescription", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equals_SameDescriptionFromDifferentSources_AreEqual()
    {
        var fromKeys = PackagingDescriptionOptions.From(Configuration(new Dictionary<string, string?>
        {
            ["ModelPackagingDescription:JobName"] = "j",
            ["ModelPackagingDescription:ModelPackagingConfiguration:Greengrass:Tags:0:Key"] = "k",
        }));
        var fromJson = PackagingDescriptionOptions.FromNode(JsonNode.Parse("""{"ModelPackagingConfiguration":{"Greengrass":{"Tags":[{"Key":"k"}]}},"JobName":"j"}"""));

        Assert.Equal(fromKeys, fromJson);
        Assert.NotEqual(fromKeys, PackagingDescriptionOptions.FromNode(JsonNode.Parse("""{"JobName":"other"}""")));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
