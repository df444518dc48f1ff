using System.Text.Json;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Jobs;
using Xunit;

namespace EdgeInference.Packaging.Tests.Jobs;

public sealed class PackagingRequestValidatorTests
{
    private static StartModelPackagingJobRequest Request(string greengrass, string project = "p1", string version = "1") => new()
    {
        ProjectName = project,
        ModelVersion = version,
        Configuration = ConfigurationParser.Parse("{\"Greengrass\": {" + greengrass + "}}"),
    };

    private const string Valid = """ "ComponentName": "com.example.M", "TargetPlatform": {"Os": "LINUX", "Arch": "X86_64"}, "S3OutputLocation": {"Bucket": "bkt"} """;

    [Fact]
    public void Validate_MinimalValidRequest_Passes() => PackagingRequestValidator.Validate(Request(Valid));

    [Fact]
    public void Validate_NvidiaWithFullCompilerOptions_Passes() =>
        PackagingRequestValidator.Validate(Request("""
            "ComponentName": "m", "TargetPlatform": {"Os": "LINUX", "Arch": "ARM64", "Accelerator": "NVIDIA"},
            "CompilerOptions": "{\"gpu-code\": \"sm_72\", \"trt-ver\": \"7.1.3\", \"cuda-ver\": \"10.2\"}", "S3OutputLocation": {"Bucket": "bkt"}
            """));

    [Theory]
    [InlineData(""" "TargetPlatform": {"Os": "LINUX", "Arch": "X86_64"}, "S3OutputLocation": {"Bucket": "bkt"} """, "ComponentName is required")]
    [InlineData(""" "ComponentName": "bad name!", "TargetDevice": "jetson_xavier", "S3OutputLocation": {"Bucket": "bkt"} """, "ComponentName 'bad name!' must be 1-128 characters")]
    [InlineData(""" "ComponentName": "m", "TargetDevice": "jetson_xavier" """, "S3OutputLocation is required")]
    [InlineData(""" "ComponentName": "m", "TargetDevice": "jetson_xavier", "S3OutputLocation": {"Prefix": "x"} """, "S3OutputLocation.Bucket is required")]
    [InlineData(""" "ComponentName": "m", "S3OutputLocation": {"Bucket": "bkt"} """, "TargetDevice or Configuration.Greengrass.TargetPlatform is required")]
    [InlineData(""" "ComponentName": "m", "TargetDevice": "jetson_xavier", "TargetPlatform": {"Os": "LINUX", "Arch": "ARM64"}, "S3OutputLocation": {"Bucket": "bkt"} """, "mutually exclusive")]
    [InlineData(""" "ComponentName": "m", "TargetDevice": "jetson_nano", "S3OutputLocation": {"Bucket": "bkt"} """, "TargetDevice 'jetson_nano' is not supported")]
    [InlineData(""" "ComponentName": "m", "TargetPlatform": {"Os": "WINDOWS", "Arch": "X86_64"}, "S3OutputLocation": {"Bucket": "bkt"} """, "TargetPlatform.Os 'WINDOWS' must be LINUX")]
    [InlineData(""" "ComponentName": "m", "TargetPlatform": {"Os": "LINUX"}, "S3OutputLocation": {"Bucket": "bkt"} """, "TargetPlatform.Arch is required")]
    [InlineData(""" "ComponentName": "m", "TargetPlatform": {"Os": "LINUX", "Arch": "ARM64", "Accelerator": "AMD"}, "S3OutputLocation": {"Bucket": "bkt"} """, "Accelerator 'AMD' must be NVIDIA")]
    [InlineData(""" "ComponentName": "m", "TargetPlatform": {"Os": "LINUX", "Arch": "X86_64"}, "CompilerOptions": "{not json", "S3OutputLocation": {"Bucket": "bkt"} """, "CompilerOptions is not valid JSON")]
    [InlineData(""" "ComponentName": "m", "TargetPlatform": {"Os": "LINUX", "Arch": "X86_64"}, "CompilerOptions": "{}", "S3OutputLocation": {"Bucket": "bkt"} """, "CompilerOptions must be 3-1024 characters")]
    [InlineData(""" "ComponentName": "m", "TargetPlatform": {"Os": "LINUX", "Arch": "ARM64", "Accelerator": "NVIDIA"}, "CompilerOptions": "{\"trt-ver\": \"7.1.3\", \"cuda-ver\": \"10.2\"}", "S3OutputLocation": {"Bucket": "bkt"} """, "needs gpu-code")]
    [InlineData(""" "ComponentName": "m", "TargetPlatform": {"Os": "LINUX", "Arch": "ARM64", "Accelerator": "NVIDIA"}, "S3OutputLocation": {"Bucket": "bkt"} """, "CompilerOptions is required with TargetPlatform.Accelerator NVIDIA")]
    [InlineData(""" "ComponentName": "m", "TargetDevice": "jetson_xavier", "CompilerOptions": "{\"gpu-code\": \"sm_72\"}", "S3OutputLocation": {"Bucket": "bkt"} """, "CompilerOptions must not be set with TargetDevice")]
    [InlineData(""" "ComponentName": "m", "ComponentVersion": "1.0", "TargetDevice": "jetson_xavier", "S3OutputLocation": {"Bucket": "bkt"} """, "ComponentVersion '1.0' must be MAJOR.MINOR.PATCH")]
    [InlineData(""" "ComponentName": "m", "TargetDevice": "jetson_xavier", "S3OutputLocation": {"Bucket": "b"} """, "Bucket 'b' must be 3-63 characters")]
    [InlineData(""" "ComponentName": "m", "TargetDevice": "jetson_xavier", "S3OutputLocation": {"Bucket": "bkt", "Prefix": "/abs"} """, "Prefix '/abs'")]
    [InlineData(""" "ComponentName": "m", "TargetDevice": "jetson_xavier", "S3OutputLocation": {"Bucket": "bkt"}, "Tags": [{"Key": "a"}] """, "Tags[0].Value is required")]
    [InlineData(""" "ComponentName": "aws.greengrass.Mine", "TargetDevice": "jetson_xavier", "S3OutputLocation": {"Bucket": "bkt"} """, "must not start with 'aws.greengrass'")]
    public void Validate_BrokenRule_NamesTheField(string greengrass, string expected)
    {
        var error = Assert.Throws<PackagingValidationException>(() => PackagingRequestValidator.Validate(Request(greengrass)));

        Assert.Contains(expected, error.Message);
        Assert.Equal(400, error.HttpStatusCode);
    }

    [Theory]
    [InlineData("-bad", "1", "ProjectName '-bad'")]
    [InlineData("p1", "0", "ModelVersion '0'")]
    [InlineData("p1", "v2", "ModelVersion 'v2'")]
    public void Validate_BadProjectOrVersion_NamesTheField(string project, string version, string expected)
    {
        var error = Assert.Throws<PackagingValidationException>(() => PackagingRequestValidator.Validate(Request(Valid, project, version)));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Validate_MissingGreengrass_Refused()
    {
        var request = new StartModelPackagingJobRequest { ProjectName = "p", ModelVersion = "1", Configuration = new() };

        var error = Assert.Throws<PackagingValidationException>(() => PackagingRequestValidator.Validate(request));

        Assert.Contains("Configuration.Greengrass is required", error.Message);
    }

    [Fact]
    public void Validate_SeveralBrokenRules_ReportsAllAtOnce()
    {
        var error = Assert.Throws<PackagingValidationException>(() => PackagingRequestValidator.Validate(Request(""" "TargetPlatform": {"Os": "LINUX", "Arch": "MIPS"} """)));

        Assert.Contains("ComponentName is required", error.Message);
        Assert.Contains("Arch 'MIPS'", error.Message);
        Assert.Contains("S3OutputLocation is required", error.Message);
    }

    [Fact]
    public void Parse_NotJson_ValidationError() =>
        Assert.Throws<PackagingValidationException>(() => ConfigurationParser.Parse("{\"Greengrass\": "));

    [Fact]
    public void Parse_UnknownField_ValidationErrorNamingIt()
    {
        var error = Assert.Throws<PackagingValidationException>(() => ConfigurationParser.Parse("""{"Greengrass": {"ComponentNaem": "x"}}"""));

        Assert.Contains("ComponentNaem", error.Message);
        Assert.IsType<JsonException>(error.InnerException);
    }

    /// <summary>A regex "$" matches before a final newline; every name rule anchors with \z, so a trailing newline is refused.</summary>
    [Fact]
    public void Validate_NamesWithATrailingNewline_Refused()
    {
        Assert.Throws<PackagingValidationException>(() => PackagingRequestValidator.ValidateProjectName("p1\n"));
        Assert.Throws<PackagingValidationException>(() => PackagingRequestValidator.ValidateJobName("job-1\n"));
        Assert.Throws<PackagingValidationException>(() => PackagingRequestValidator.Validate(Request(Valid, version: "1\n")));
        Assert.Throws<PackagingValidationException>(() => PackagingRequestValidator.Validate(Request(Valid.Replace("com.example.M", "com.example.M\\n", StringComparison.Ordinal))));
        Assert.Throws<PackagingValidationException>(() => PackagingRequestValidator.Validate(Request(Valid + ", \"ComponentVersion\": \"1.0.0\\n\"")));
        PackagingRequestValidator.ValidateProjectName("p1");
        PackagingRequestValidator.ValidateJobName("job-1");
    }
}
