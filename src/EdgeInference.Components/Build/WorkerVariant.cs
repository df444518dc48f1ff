namespace EdgeInference.Components.Build;

/// <summary>
/// Which ONNX Runtime a worker artifact carries: <c>cpu</c> (Microsoft.ML.OnnxRuntime, every RID) or <c>gpu</c>
/// (Microsoft.ML.OnnxRuntime.Gpu.Linux: CUDA and TensorRT providers, linux-x64 only — NuGet has no CUDA build for
/// linux-arm64; a Jetson runs the CPU artifact with NVIDIA's libonnxruntime.so).
/// </summary>
public static class WorkerVariant
{
    public const string Cpu = "cpu";
    public const string Gpu = "gpu";

    public static readonly IReadOnlyList<string> All = [Cpu, Gpu];

    /// <summary>The one RID the GPU variant is built for.</summary>
    public const string GpuRid = "linux-x64";

    /// <summary>The provider library a GPU artifact must hold (its CUDA execution provider).</summary>
    public const string CudaProviderLibrary = "libonnxruntime_providers_cuda.so";

    /// <summary>What the GPU build adds to <c>dotnet publish</c> (the worker's projects switch their ONNX Runtime package on it).</summary>
    public static readonly IReadOnlyList<string> GpuPublishProperties = ["-p:EdgeInferenceGpu=true"];

    public static bool IsBuildable(string variant, string rid) => variant == Cpu || (variant == Gpu && rid == GpuRid);

    /// <summary><c>edge-inference-worker-RID</c>, or <c>edge-inference-worker-RID-gpu</c> for the GPU variant.</summary>
    public static string Suffix(string variant) => variant == Cpu ? string.Empty : "-" + variant;
}
