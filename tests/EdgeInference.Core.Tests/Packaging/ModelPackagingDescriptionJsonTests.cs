using System.Text.Json;
using EdgeInference.Core.Json;
using EdgeInference.Core.Packaging;
using Xunit;

namespace EdgeInference.Core.Tests.Packaging;

/// <summary>
/// DescribeModelPackagingJob shapes as Lookout for Vision documents them (API_DescribeModelPackagingJob.html):
/// every field, PascalCase, epoch-number timestamps, TargetPlatform or TargetDevice.
/// </summary>
public sealed class ModelPackagingDescriptionJsonTests
{
    /// <summary>Every field of the documented response, TargetPlatform variant (NVIDIA accelerator, compiler options, tags).</summary>
    private const string FullTargetPlatformResponse = """
        {
          "ModelPackagingDescription": {
            "CreationTimestamp": 1700000000.5,
            "JobName": "job-x86-gpu",
            "LastUpdatedTimestamp": 1700000360,
            "ModelPackagingConfiguration": {
              "Greengrass": {
                "CompilerOptions": "{\"gpu-code\":\"sm_75\",\"trt-ver\":\"7.1.3\",\"cuda-ver\":\"10.2\"}",
                "ComponentDescription": "Circuit board anomaly model",
                "ComponentName": "com.example.CircuitBoard",
                "ComponentVersion": "3.0.0",
                "S3OutputLocation": { "Bucket": "my-bucket", "Prefix": "packages/circuit/" },
                "Tags": [ { "Key": "line", "Value": "A" }, { "Key": "owner", "Value": "qa" } ],
                "TargetPlatform": { "Accelerator": "NVIDIA", "Arch": "X86_64", "Os": "LINUX" }
              }
            },
            "ModelPackagingJobDescription": "Packaging for the T4 line PCs",
            "ModelPackagingMethod": "Greengrass",
            "ModelPackagingOutputDetails": {
              "Greengrass": {
                "ComponentName": "com.example.CircuitBoard",
                "ComponentVersion": "3.0.0",
                "ComponentVersionArn": "arn:aws:greengrass:us-east-1:123456789012:components:com.example.CircuitBoard:versions:3.0.0"
              }
            },
            "ModelVersion": "3",
            "ProjectName": "circuit-board",
            "Status": "SUCCEEDED",
            "StatusMessage": "Packaging succeeded"
          }
        }
        """;

    /// <summary>The Jetson variant: TargetDevice instead of TargetPlatform, no compiler options, still running.</summary>
    private const string TargetDeviceResponse = """
        {
          "ModelPackagingDescription": {
            "JobName": "job-jetson",
            "ProjectName": "circuit-board",
            "ModelVersion": "1",
            "ModelPackagingConfiguration": {
              "Greengrass": {
                "TargetDevice": "jetson_xavier",
                "S3OutputLocation": { "Bucket": "my-bucket", "Prefix": "jetson/" },
                "ComponentName": "com.example.CircuitBoardJetson"
              }
            },
            "ModelPackagingMethod": "Greengrass",
            "Status": "RUNNING",
            "CreationTimestamp": 1700000000
          }
        }
        """;

    [Fact]
    public void Deserialize_DocumentedTargetPlatformExample_ReadsEveryField()
    {
        var response = JsonSerializer.Deserialize(FullTargetPlatformResponse, CoreJsonContext.Default.DescribeModelPackagingJobResponse);

        var d = response!.ModelPackagingDescription!;
        Assert.Equal("job-x86-gpu", d.JobName);
        Assert.Equal("circuit-board", d.ProjectName);
        Assert.Equal("3", d.ModelVersion);
        Assert.Equal("Packaging for the T4 line PCs", d.ModelPackagingJobDescription);
        Assert.Equal("Greengrass", d.ModelPackagingMethod);
        Assert.Equal(ModelPackagingJobStatus.SUCCEEDED, d.Status);
        Assert.Equal("Packaging succeeded", d.StatusMessage);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500), d.CreationTimestamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_360), d.LastUpdatedTimestamp);

        var g = d.ModelPackagingConfiguration!.Greengrass!;
        Assert.Equal("""{"gpu-code":"sm_75","trt-ver":"7.1.3","cuda-ver":"10.2"}""", g.CompilerOptions);
        Assert.Equal("Circuit board anomaly model", g.ComponentDescription);
        Assert.Equal("com.example.CircuitBoard", g.ComponentName);
        Assert.Equal("3.0.0", g.ComponentVersion);
        Assert.Equal(new S3Location { Bucket = "my-bucket", Prefix = "packages/circuit/" }, g.S3OutputLocation);
        Assert.Equal([new Tag { Key = "line", Value = "A" }, new Tag { Key = "owner", Value = "qa" }], g.Tags);
        Assert.Equal(new TargetPlatform { Os = "LINUX", Arch = "X86_64", Accelerator = "NVIDIA" }, g.TargetPlatform);
        Assert.Null(g.TargetDevice);

        var output = d.ModelPackagingOutputDetails!.Greengrass!;
        Assert.Equal("com.example.CircuitBoard", output.ComponentName);
        Assert.Equal("3.0.0", output.ComponentVersion);
        Assert.Equal("arn:aws:greengrass:us-east-1:123456789012:components:com.example.CircuitBoard:versions:3.0.0", output.ComponentVersionArn);
    }

    [Theory]
    [InlineData(FullTargetPlatformResponse)]
    [InlineData(TargetDeviceResponse)]
    public void RoundTrip_DocumentedExample_WritesTheSameJson(string json)
    {
        var response = JsonSerializer.Deserialize(json, CoreJsonContext.Default.DescribeModelPackagingJobResponse);

        var written = JsonSerializer.Serialize(response!, CoreJsonContext.Default.DescribeModelPackagingJobResponse);

        JsonAssert.Equivalent(json, written);
    }

    [Fact]
    public void Deserialize_TargetDeviceVariant_HasNoTargetPlatform()
    {
        var d = JsonSerializer.Deserialize(TargetDeviceResponse, CoreJsonContext.Default.DescribeModelPackagingJobResponse)!.ModelPackagingDescription!;

        Assert.Equal("jetson_xavier", d.ModelPackagingConfiguration!.Greengrass!.TargetDevice);
        Assert.Null(d.ModelPackagingConfiguration.Greengrass.TargetPlatform);
        Assert.Null(d.ModelPackagingOutputDetails);
        Assert.Equal(ModelPackagingJobStatus.RUNNING, d.Status);
        Assert.Null(d.LastUpdatedTimestamp);
    }

    [Fact]
    public void Serialize_TargetDeviceVariant_OmitsTargetPlatformAndAbsentFields()
    {
        var description = new ModelPackagingDescription
        {
            JobName = "j",
            ModelPackagingConfiguration = new ModelPackagingConfiguration
            {
                Greengrass = new GreengrassConfiguration { TargetDevice = "jetson_xavier", ComponentName = "c" },
            },
        };

        var node = JsonAssert.Parse(JsonSerializer.Serialize(description, CoreJsonContext.Default.ModelPackagingDescription));

        JsonAssert.HasExactly(node, "JobName", "ModelPackagingConfiguration");
        JsonAssert.HasExactly(node["ModelPackagingConfiguration"], "Greengrass");
        JsonAssert.HasExactly(node["ModelPackagingConfiguration"]!["Greengrass"], "TargetDevice", "ComponentName");
    }

    [Fact]
    public void Serialize_EveryField_UsesTheServicePascalCaseNames()
    {
        var description = JsonSerializer.Deserialize(FullTargetPlatformResponse, CoreJsonContext.Default.DescribeModelPackagingJobResponse)!;

        var node = JsonAssert.Parse(JsonSerializer.Serialize(description, CoreJsonContext.Default.DescribeModelPackagingJobResponse));

        JsonAssert.HasExactly(node, "ModelPackagingDescription");
        var d = node["ModelPackagingDescription"];
        JsonAssert.HasExactly(
            d,
            "JobName", "ProjectName", "ModelVersion", "ModelPackagingConfiguration", "ModelPackagingJobDescription", "ModelPackagingMethod",
            "ModelPackagingOutputDetails", "Status", "StatusMessage", "CreationTimestamp", "LastUpdatedTimestamp");
        JsonAssert.HasExactly(
            d!["ModelPackagingConfiguration"]!["Greengrass"],
            "CompilerOptions", "TargetPlatform", "S3OutputLocation", "ComponentName", "ComponentVersion", "ComponentDescription", "Tags");
        JsonAssert.HasExactly(d["ModelPackagingConfiguration"]!["Greengrass"]!["TargetPlatform"], "Os", "Arch", "Accelerator");
        JsonAssert.HasExactly(d["ModelPackagingConfiguration"]!["Greengrass"]!["S3OutputLocation"], "Bucket", "Prefix");
        JsonAssert.HasExactly(d["ModelPackagingConfiguration"]!["Greengrass"]!["Tags"]![0], "Key", "Value");
        JsonAssert.HasExactly(d["ModelPackagingOutputDetails"]!["Greengrass"], "ComponentVersionArn", "ComponentName", "ComponentVersion");
    }

    [Fact]
    public void Serialize_CpuTargetPlatform_OmitsAccelerator()
    {
        var platform = new GreengrassConfiguration { TargetPlatform = new TargetPlatform { Os = "LINUX", Arch = "ARM64" } };
        var description = new ModelPackagingDescription { ModelPackagingConfiguration = new ModelPackagingConfiguration { Greengrass = platform } };

        var node = JsonAssert.Parse(JsonSerializer.Serialize(description, CoreJsonContext.Default.ModelPackagingDescription));

        JsonAssert.HasExactly(node["ModelPackagingConfiguration"]!["Greengrass"]!["TargetPlatform"], "Os", "Arch");
    }

    [Fact]
    public void Serialize_EmptyDescription_IsAnEmptyObject()
    {
        var json = JsonSerializer.Serialize(new ModelPackagingDescription(), CoreJsonContext.Default.ModelPackagingDescription);

        Assert.Equal("{}", json);
    }

    [Theory]
    [InlineData(ModelPackagingJobStatus.CREATED, "CREATED")]
    [InlineData(ModelPackagingJobStatus.RUNNING, "RUNNING")]
    [InlineData(ModelPackagingJobStatus.SUCCEEDED, "SUCCEEDED")]
    [InlineData(ModelPackagingJobStatus.FAILED, "FAILED")]
    public void Status_EachValue_IsTheServiceEnumString(ModelPackagingJobStatus status, string expected)
    {
        var json = JsonSerializer.Serialize(new ModelPackagingDescription { Status = status }, CoreJsonContext.Default.ModelPackagingDescription);
        var back = JsonSerializer.Deserialize($$"""{"Status":"{{expected}}"}""", CoreJsonContext.Default.ModelPackagingDescription);

        Assert.Equal($$"""{"Status":"{{expected}}"}""", json);
        Assert.Equal(status, back!.Status);
    }

    [Theory]
    [InlineData("\"STOPPED\"")]
    [InlineData("\"\"")]
    public void Status_NotOneOfTheFourStrings_IsRejected(string status)
    {
        Assert.Throws<JsonException>(() =>
            JsonSerializer.Deserialize($$"""{"Status":{{status}}}""", CoreJsonContext.Default.ModelPackagingDescription));
    }

    [Fact]
    public void Status_Number_IsRejected()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"Status":7}""", CoreJsonContext.Default.ModelPackagingDescription));
    }

    [Fact]
    public void Deserialize_IsoTimestampsAsTheAwsCliPrintsThem_AreAccepted()
    {
        const string json = """
            {"CreationTimestamp":"2023-11-14T22:13:20.500000+00:00","LastUpdatedTimestamp":"2023-11-14T23:13:20+01:00"}
            """;

        var d = JsonSerializer.Deserialize(json, CoreJsonContext.Default.ModelPackagingDescription)!;
        var written = JsonAssert.Parse(JsonSerializer.Serialize(d, CoreJsonContext.Default.ModelPackagingDescription));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500), d.CreationTimestamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), d.LastUpdatedTimestamp);
        Assert.Equal(1_700_000_000.5m, written["CreationTimestamp"]!.GetValue<decimal>());
        Assert.Equal("1700000000", written["LastUpdatedTimestamp"]!.ToJsonString());
    }
}
