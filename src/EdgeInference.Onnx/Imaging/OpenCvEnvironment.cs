using System.Globalization;
using System.Runtime.CompilerServices;
using OpenCvSharp;

namespace EdgeInference.Onnx.Imaging;

/// <summary>
/// Process-wide OpenCV settings. OpenCV reads <c>OPENCV_IO_MAX_IMAGE_PIXELS</c> from the native environment once, when
/// its library is loaded, so it is set with libc's setenv as soon as this assembly loads — before any OpenCV call. The
/// assembly load itself touches no OpenCV type: where its native runtime is absent (linux-arm64) nothing fails until an
/// OpenCV decoder is asked for.
/// </summary>
public static class OpenCvEnvironment
{
    /// <summary>OpenCV's own pixel ceiling, for formats whose headers the decoder does not read (TIFF, PNM, ...).</summary>
    public const long MaxImagePixels = 1L << 28;

    private static int _configured;

    /// <summary>Idempotent. Loads OpenCV's native library (throws where it cannot load, e.g. TypeInitializationException).</summary>
    public static void Configure()
    {
        SetPixelCeiling();
        if (Interlocked.Exchange(ref _configured, 1) == 1)
        {
            return;
        }

        try
        {
            // Decode and resize run per request on the request's own thread; OpenCV's worker pool would only spin
            // beside ONNX Runtime's threads (a reduced-scale decode of a camera frame is a few ms of work).
            Cv2.SetNumThreads(1);
        }
        catch
        {
            Interlocked.Exchange(ref _configured, 0);
            throw;
        }
    }

    private static void SetPixelCeiling()
    {
        if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("OPENCV_IO_MAX_IMAGE_PIXELS") is null)
        {
            var value = MaxImagePixels.ToString(CultureInfo.InvariantCulture);
            Glibc.SetEnv("OPENCV_IO_MAX_IMAGE_PIXELS", value, 0);
            Environment.SetEnvironmentVariable("OPENCV_IO_MAX_IMAGE_PIXELS", value);
        }
    }

#pragma warning disable CA2255 // A library module initializer, on purpose: the setting must precede OpenCV's load.
    [ModuleInitializer]
    internal static void OnAssemblyLoad() => SetPixelCeiling();
#pragma warning restore CA2255
}
