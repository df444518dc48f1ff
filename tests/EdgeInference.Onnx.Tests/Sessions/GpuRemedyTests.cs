using System.Runtime.InteropServices;
using EdgeInference.Onnx.Sessions;
using Xunit;

namespace EdgeInference.Onnx.Tests.Sessions;

public sealed class GpuRemedyTests
{
    [Fact]
    public void For_CpuBuildOnX64_SaysDeclareTheGpuInPlatformOverrideAndRedeployTheRuntime()
    {
        var text = GpuRemedy.For([ExecutionProviders.Cpu], Architecture.X64);

        Assert.Contains("This is the worker's CPU build", text, StringComparison.Ordinal);
        Assert.Contains("platformOverride: {accelerator: nvidia}", text, StringComparison.Ordinal);
        Assert.Contains("{\"platformOverride\":{\"accelerator\":\"nvidia\"}}", text, StringComparison.Ordinal);
        Assert.Contains("redeploy com.example.EdgeInference", text, StringComparison.Ordinal);
        Assert.Contains("Model.Accelerator to auto or cpu", text, StringComparison.Ordinal);
    }

    [Fact]
    public void For_GpuBuildWhoseCudaProviderFailedOnX64_NamesTheCudaLibrariesAndTheInstallStep()
    {
        var text = GpuRemedy.For([ExecutionProviders.TensorRt, ExecutionProviders.Cuda, ExecutionProviders.Cpu], Architecture.X64);

        Assert.Contains("libcudart.so.13", text, StringComparison.Ordinal);
        Assert.Contains("libcudnn.so.9", text, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install -y cuda-libraries-13-0 cudnn9-cuda-13", text, StringComparison.Ordinal);
    }

    [Fact]
    public void For_BundledCpuLibraryOnArm64_SaysInstallNvidiasBuildAndSetTheLibraryKey()
    {
        var text = GpuRemedy.For([ExecutionProviders.Cpu], Architecture.Arm64);

        Assert.Contains("Model.OnnxRuntimeLibrary", text, StringComparison.Ordinal);
        Assert.Contains("/usr/local/lib/libonnxruntime.so", text, StringComparison.Ordinal);
        Assert.Contains("platformOverride: {accelerator: nvidia}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void For_JetsonLibraryWithCudaThatFailed_PointsAtItsProviderLibraries()
    {
        var text = GpuRemedy.For([ExecutionProviders.Cuda, ExecutionProviders.Cpu], Architecture.Arm64);

        Assert.Contains("libonnxruntime_providers_cuda.so", text, StringComparison.Ordinal);
        Assert.Contains("JetPack", text, StringComparison.Ordinal);
    }
}
