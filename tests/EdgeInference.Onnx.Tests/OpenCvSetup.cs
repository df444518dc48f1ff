using System.Runtime.CompilerServices;

namespace EdgeInference.Onnx.Tests;

/// <summary>Tests create images with OpenCV directly; its settings must be in place before the first such call.</summary>
internal static class OpenCvSetup
{
#pragma warning disable CA2255 // Test assembly: runs before any test touches OpenCV.
    [ModuleInitializer]
    internal static void Configure() => EdgeInference.Onnx.Imaging.OpenCvEnvironment.Configure();
#pragma warning restore CA2255
}
