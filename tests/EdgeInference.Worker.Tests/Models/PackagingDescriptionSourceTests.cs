using EdgeInference.Core.Packaging;
using EdgeInference.Worker.Models;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace EdgeInference.Worker.Tests.Models;

public sealed class PackagingDescriptionSourceTests
{
    [Fact]
    public void Description_FromConfigurationKeys_ReadsNestedObjectsArraysEnumsAndEpochTimestamps()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ModelPackagingDescription:JobName"] = "job-7",
            ["ModelPackagingDescription:ModelVersion"] = "3",
            ["ModelPackagingDescription:Status"] = "SUCCEEDED",
            ["ModelPackagingDescription:CreationTimestamp"] = "1764201600.25",
            ["ModelPackagingDescription:ModelPackagingConfiguration:Greengrass:ComponentName"] = "com.example.Model",
            ["ModelPackagingDescription:ModelPackagingConfiguration:Greengrass:Tags:0:Key"] = "line",
            ["ModelPackagingDescription:ModelPackagingConfiguration:Greengrass:Tags:0:Value"] = "7",
            ["ModelPackagingDescription:ModelPackagingOutputDetails:Greengrass:ComponentVersionArn"] = "arn:aws:greengrass:eu-west-1:111122223333:components:com.example.Model:versions:3.0.0",
        }).Build();

        var description = new PackagingDescriptionSource(configuration).Description!;

        Assert.Equal("job-7", description.JobName);
        Assert.Equal("3", description.ModelVersion);
        Assert.Equal(ModelPackagingJobStatus.SUCCEEDED, description.Status);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764201600250), description.CreationTimestamp);
        Assert.Equal("line", description.ModelPackagingConfiguration!.Greengrass!.Tags![0].Key);
        Assert.Equal("arn:aws:greengrass:eu-west-1:111122223333:components:com.example.Model:versions:3.0.0", description.ModelPackagingOutputDetails!.Greengrass!.ComponentVersionArn);
    }

    [Fact]
    public void Description_SectionAbsent_IsNull() =>
        Assert.Null(new PackagingDescriptionSource(new ConfigurationBuilder().Build()).Description);

    [Fact]
    public void Description_BadStatus_ThrowsNamingTheSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ModelPackagingDescription:Status"] = "DONE" }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => new PackagingDescriptionSource(configuration));

        Assert.Contains("ModelPackagingDescription", error.Message, StringComparison.Ordinal);
    }
}
