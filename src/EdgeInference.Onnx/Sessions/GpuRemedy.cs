using System.Runtime.InteropServices;

namespace EdgeInference.Onnx.Sessions;

/// <summary>
/// What a device owner does when a model needs the GPU and CUDA cannot be used, told apart by what this process runs:
/// a CPU-only ONNX Runtime (the CPU artifact of the runtime component) or a CUDA build whose provider could not start.
/// </summary>
public static class GpuRemedy
{
    /// <summary>The platform attribute (nucleus <c>platformOverride</c>) that makes Greengrass install the NVIDIA artifact.</summary>
    public const string PlatformOverrideLine = "platformOverride: {accelerator: nvidia}";

    private const string OrCpu = "Or set Model.Accelerator to auto or cpu in the model component's configuration (auto: the GPU when it works, else the CPU, saying why).";

    /// <param name="availableProviders">The providers this ONNX Runtime build offers.</param>
    public static string For(IReadOnlyCollection<string> availableProviders) =>
        For(availableProviders, RuntimeInformation.ProcessArchitecture);

    public static string For(IReadOnlyCollection<string> availableProviders, Architecture architecture)
    {
        if (availableProviders.Contains(ExecutionProviders.Cuda))
        {
            return architecture == Architecture.Arm64
                ? $"The ONNX Runtime in use has the CUDA provider but it could not start: check JetPack's CUDA, cuDNN and TensorRT match the ones it was built against (ldd on libonnxruntime_providers_cuda.so next to it lists what is missing). {OrCpu}"
                : $"This is the worker's GPU build but its CUDA provider could not start: install the NVIDIA driver, CUDA 13 (libcudart.so.13, libcublas.so.13, libcublasLt.so.13, libcurand.so.10) and cuDNN 9 (libcudnn.so.9) from NVIDIA's CUDA repository (e.g. sudo apt-get install -y cuda-libraries-13-0 cudnn9-cuda-13), and TensorRT 10 for Model.UseTensorRt; check nvidia-smi, then restart com.example.EdgeInference. {OrCpu}";
        }

        return architecture == Architecture.Arm64
            ? $"This worker runs the bundled CPU-only ONNX Runtime: on a Jetson, install ONNX Runtime 1.31 or later built for JetPack with CUDA (README: Jetson), declare the GPU with '{PlatformOverrideLine}' in the aws.greengrass.Nucleus configuration and set Model.OnnxRuntimeLibrary on com.example.EdgeInference to its libonnxruntime.so (default /usr/local/lib/libonnxruntime.so), then redeploy. {OrCpu}"
            : $"This is the worker's CPU build (its ONNX Runtime offers only {string.Join(", ", availableProviders)}): declare the GPU with '{PlatformOverrideLine}' in the aws.greengrass.Nucleus configuration (in a deployment, the configuration merge {{\"platformOverride\":{{\"accelerator\":\"nvidia\"}}}}) and redeploy com.example.EdgeInference, which then installs its GPU artifact. {OrCpu}";
    }
}
