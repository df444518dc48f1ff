using EdgeInference.Core.Inference;
using EdgeInference.Worker.Hosting;
using Xunit;

namespace EdgeInference.Worker.Tests.Hosting;

public sealed class StartupFailureTests
{
    [Fact]
    public void Classify_InferenceRuntimeUnusable_IsAStartupFailureSayingTheRuntimeNotThePackage()
    {
        var failure = StartupFailure.Classify(new InferenceRuntimeException("Model:ImageDecoder is 'opencv' but OpenCV cannot load here."));

        Assert.NotNull(failure);
        Assert.Equal(WorkerExitCodes.StartupFailed, failure.ExitCode);
        Assert.Equal("The inference runtime cannot be used", failure.Title);
        Assert.Equal(["Model:ImageDecoder is 'opencv' but OpenCV cannot load here."], failure.Reasons);
    }

    [Fact]
    public void Classify_ModelPackageProblem_StaysAnUnusablePackage()
    {
        var failure = StartupFailure.Classify(new ModelPackageException("manifest.json is missing"));

        Assert.Equal(WorkerExitCodes.ModelUnusable, failure!.ExitCode);
    }
}
