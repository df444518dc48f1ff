using EdgeInference.Core.Inference;
using EdgeInference.Onnx.Packages;
using EdgeInference.Onnx.Sessions;
using EdgeInference.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace EdgeInference.Onnx.Tests.Sessions;

/// <summary>Runs only where ONNX Runtime offers CUDA (a GPU build on a GPU machine): auto and gpu must pick it.</summary>
[Trait("Category", "Gpu")]
public sealed class SessionFactoryGpuTests
{
    private static readonly ModelPackage Model = ModelPackage.Open(TestModels.ColorClassifier);

    [Theory]
    [InlineData(Accelerator.Auto, "auto")]
    [InlineData(Accelerator.Gpu, "gpu")]
    public void Create_CudaAvailable_PicksCuda(Accelerator accelerator, string requested)
    {
        SkipWithoutCuda();

        var (session, provider) = SessionFactory.Create(Model, SessionFactoryTests.Options(accelerator), new FakeLogger());
        using (session)
        {
            Assert.Equal(ExecutionProviders.Cuda, provider.Active);
            Assert.Equal(requested, provider.RequestedAccelerator);
            Assert.Null(provider.FallbackReason);
        }
    }

    [Fact]
    public void Load_CudaAvailable_EngineReportsCudaAndClassifies()
    {
        SkipWithoutCuda();

        using var engine = OnnxInferenceEngine.Load(SessionFactoryTests.Options(Accelerator.Gpu), new FakeLogger());
        var output = engine.Infer(TestImages.Solid(40, 40, (0, 255, 0)));

        Assert.Equal(ExecutionProviders.Cuda, engine.Model.ExecutionProvider.Active);
        Assert.Equal("green", output.Classifications![0].Label);
    }

    private static void SkipWithoutCuda()
    {
        if (!OrtEnv.Instance().GetAvailableProviders().Contains(ExecutionProviders.Cuda))
        {
            Assert.Skip("CUDAExecutionProvider is not available in this ONNX Runtime build or machine.");
        }
    }
}
