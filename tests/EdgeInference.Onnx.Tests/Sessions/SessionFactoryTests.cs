using EdgeInference.Core.Inference;
using EdgeInference.Onnx.Packages;
using EdgeInference.Onnx.Sessions;
using EdgeInference.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace EdgeInference.Onnx.Tests.Sessions;

/// <summary>Accelerator choice on a machine without CUDA (skipped where the CUDA provider is present).</summary>
public sealed class SessionFactoryTests
{
    private static readonly ModelPackage Model = ModelPackage.Open(TestModels.ColorClassifier);

    [Fact]
    public void Create_Cpu_UsesCpuWithoutTryingCudaOrFallingBack()
    {
        var logger = new FakeLogger();

        var (session, provider) = SessionFactory.Create(Model, Options(Accelerator.Cpu), logger);
        using (session)
        {
            Assert.Equal(ExecutionProviders.Cpu, provider.Active);
            Assert.Equal("cpu", provider.RequestedAccelerator);
            Assert.Null(provider.FallbackReason);
            Assert.Contains(ExecutionProviders.Cpu, provider.Available);
            Assert.Equal(OrtEnv.Instance().GetAvailableProviders(), provider.Available);
            Assert.Equal(0, logger.Collector.Count);
            Assert.Equal("image", Assert.Single(session.InputMetadata).Key);
        }
    }

    [Fact]
    public void Create_AutoOnTheCpuBuild_ServesOnCpuSayingPlainlyThereIsNoCudaProvider()
    {
        SkipIfCudaPresent();
        var logger = new FakeLogger();

        var (session, provider) = SessionFactory.Create(Model, Options(Accelerator.Auto), logger);
        using (session)
        {
            Assert.Equal(ExecutionProviders.Cpu, provider.Active);
            Assert.Equal("auto", provider.RequestedAccelerator);
            Assert.Equal($"CUDA is unavailable: this build has no CUDA provider (its ONNX Runtime offers {string.Join(", ", provider.Available)})", provider.FallbackReason);
            Assert.DoesNotContain("Exception", provider.FallbackReason, StringComparison.Ordinal);
            Assert.DoesNotContain("entry point", provider.FallbackReason, StringComparison.OrdinalIgnoreCase);
            // Not a warning on every start: the worker says it once at RUNNING; describe and the status carry it.
            Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Level >= LogLevel.Warning);
        }
    }

    [Fact]
    public void Create_AutoWithTensorRtWithoutGpu_StillFallsBackToCpu()
    {
        SkipIfCudaPresent();

        var (session, provider) = SessionFactory.Create(Model, Options(Accelerator.Auto) with { UseTensorRt = true }, new FakeLogger());
        using (session)
        {
            Assert.Equal(ExecutionProviders.Cpu, provider.Active);
            Assert.NotNull(provider.FallbackReason);
        }
    }

    [Fact]
    public void Create_AutoFallback_SessionRunsTheModel()
    {
        SkipIfCudaPresent();
        var (session, _) = SessionFactory.Create(Model, Options(Accelerator.Auto), new FakeLogger());
        using (session)
        {
            var pixels = new float[3 * 32 * 32];
            Array.Fill(pixels, 1f, 2 * 32 * 32, 32 * 32); // blue plane full
            using var input = OrtValue.CreateTensorValueFromMemory(pixels, [1, 3, 32, 32]);
            using var outputs = session.Run(new RunOptions(), ["image"], [input], ["probabilities"]);

            var probabilities = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            Assert.Equal(2, Array.IndexOf(probabilities, probabilities.Max()));
        }
    }

    [Fact]
    public void Create_GpuWithoutCuda_ThrowsAcceleratorUnavailableNamingCuda()
    {
        SkipIfCudaPresent();
        var logger = new FakeLogger();

        var error = Assert.Throws<AcceleratorUnavailableException>(() => SessionFactory.Create(Model, Options(Accelerator.Gpu), logger));

        Assert.Contains("CUDA", error.Message, StringComparison.Ordinal);
        Assert.Contains("'gpu'", error.Message, StringComparison.Ordinal);
        Assert.Contains("auto or cpu", error.Message, StringComparison.Ordinal);
        Assert.Contains("this build has no CUDA provider", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("EntryPointNotFoundException", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, logger.Collector.Count);
    }

    [Fact]
    public void Create_CpuWithCorruptModel_ThrowsOnnxRuntimeException()
    {
        var folder = TestModels.CopyToTemp(TestModels.ColorClassifier);
        var bytes = File.ReadAllBytes(Path.Combine(folder, "model.onnx"));
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), bytes[..(bytes.Length / 2)]);
        var corrupt = ModelPackage.Open(folder);

        Assert.Throws<OnnxRuntimeException>(() => SessionFactory.Create(corrupt, Options(Accelerator.Cpu), new FakeLogger()));
    }

    internal static ModelLoadOptions Options(Accelerator accelerator) => new() { PackagePath = TestModels.ColorClassifier, Accelerator = accelerator, IntraOpThreads = 1 };

    private static void SkipIfCudaPresent()
    {
        if (OrtEnv.Instance().GetAvailableProviders().Contains(ExecutionProviders.Cuda))
        {
            Assert.Skip("CUDAExecutionProvider is present; the GPU tests cover this machine.");
        }
    }
}
