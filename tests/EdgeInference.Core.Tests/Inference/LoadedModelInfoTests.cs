using EdgeInference.Core.Inference;
using EdgeInference.Core.Manifest;
using EdgeInference.Core.Packaging;
using Xunit;

namespace EdgeInference.Core.Tests.Inference;

public sealed class LoadedModelInfoTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void ToProvenance_WithOutputDetails_TakesComponentFromTheOutput()
    {
        var info = Info(new ModelPackagingDescription
        {
            ModelVersion = "7",
            ModelPackagingConfiguration = new ModelPackagingConfiguration
            {
                Greengrass = new GreengrassConfiguration { ComponentName = "requested.Name", ComponentVersion = "9.9.9" },
            },
            ModelPackagingOutputDetails = new ModelPackagingOutputDetails
            {
                Greengrass = new GreengrassOutputDetails { ComponentName = "built.Name", ComponentVersion = "7.0.0", ComponentVersionArn = "arn:x" },
            },
        });

        var provenance = info.ToProvenance();

        Assert.Equal("built.Name", provenance.ComponentName);
        Assert.Equal("7.0.0", provenance.ComponentVersion);
        Assert.Equal("arn:x", provenance.ComponentVersionArn);
        Assert.Equal("7", provenance.ModelVersion);
        Assert.Equal(Sha, provenance.Sha256);
    }

    [Fact]
    public void ToProvenance_JobNotFinished_FallsBackToTheConfigurationAndHasNoArn()
    {
        var info = Info(new ModelPackagingDescription
        {
            ModelVersion = "2",
            Status = ModelPackagingJobStatus.RUNNING,
            ModelPackagingConfiguration = new ModelPackagingConfiguration
            {
                Greengrass = new GreengrassConfiguration { ComponentName = "requested.Name", ComponentVersion = "2.0.0" },
            },
        });

        var provenance = info.ToProvenance();

        Assert.Equal(("requested.Name", "2.0.0", null, "2"), (provenance.ComponentName, provenance.ComponentVersion, provenance.ComponentVersionArn, provenance.ModelVersion));
    }

    [Fact]
    public void ToProvenance_OutputPartlyFilled_FillsTheGapFromTheConfiguration()
    {
        var info = Info(new ModelPackagingDescription
        {
            ModelPackagingConfiguration = new ModelPackagingConfiguration { Greengrass = new GreengrassConfiguration { ComponentVersion = "3.1.0" } },
            ModelPackagingOutputDetails = new ModelPackagingOutputDetails { Greengrass = new GreengrassOutputDetails { ComponentName = "out.Name" } },
        });

        var provenance = info.ToProvenance();

        Assert.Equal(("out.Name", "3.1.0"), (provenance.ComponentName, provenance.ComponentVersion));
    }

    [Fact]
    public void ToProvenance_NoPackagingDescription_CarriesOnlyTheHash()
    {
        var provenance = Info(null).ToProvenance();

        Assert.Equal(new EdgeInference.Core.Results.ModelProvenance { Sha256 = Sha }, provenance);
    }

    private static LoadedModelInfo Info(ModelPackagingDescription? description) => new()
    {
        PackagePath = "/models/p",
        Name = "p",
        Task = ModelTask.Anomaly,
        Sha256 = Sha,
        Inputs = [new TensorInfo { Name = "image", ElementType = "float32", Shape = [1, 3, 64, 64] }],
        Outputs = [new TensorInfo { Name = "score", ElementType = "float32", Shape = [1] }],
        ExecutionProvider = new ExecutionProviderInfo { RequestedAccelerator = "cpu", Active = "CPUExecutionProvider", Available = ["CPUExecutionProvider"] },
        ModelPackagingDescription = description,
    };
}
