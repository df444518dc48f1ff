using EdgeInference.Core.Inference;

namespace EdgeInference.Onnx.Imaging;

/// <summary>
/// Chooses the decoder for a model at load: <c>opencv</c> or <c>vips</c> as named, or with <c>auto</c> OpenCV where its
/// native runtime loads (linux-x64 with its system libraries) and libvips otherwise — saying why, as the execution
/// provider's fallback does. Whether OpenCV loads is probed once per process.
/// </summary>
public static class ImageDecoders
{
    private static readonly Lazy<string?> OpenCvProblem = new(ProbeOpenCv, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <exception cref="InferenceRuntimeException">The decoder named cannot load here; the message says why and what to do.</exception>
    public static (ImageDecoder Decoder, ImageDecoderInfo Info) Create(ImageDecoderChoice choice, FrameSpec frame, long maxPixels)
    {
        var requested = choice.ToConfigName();
        switch (choice)
        {
            case ImageDecoderChoice.Vips:
                return Describe(CreateVips(frame, maxPixels, requested), requested, null);
            case ImageDecoderChoice.OpenCv:
                if (OpenCvProblem.Value is { } problem)
                {
                    throw new InferenceRuntimeException($"Model:ImageDecoder is 'opencv' but OpenCV cannot load here: {problem} Set Model:ImageDecoder to auto or vips (libvips is bundled for linux-x64 and linux-arm64).");
                }

                return Describe(new OpenCvImageDecoder(frame, maxPixels), requested, null);
            default:
                return OpenCvProblem.Value is { } reason
                    ? Describe(CreateVips(frame, maxPixels, requested), requested, $"OpenCV is unavailable: {reason}")
                    : Describe(new OpenCvImageDecoder(frame, maxPixels), requested, null);
        }
    }

    private static ImageDecoder CreateVips(FrameSpec frame, long maxPixels, string requested)
    {
        try
        {
            return new VipsImageDecoder(frame, maxPixels);
        }
        catch (Exception ex) when (ex is NetVips.VipsException or DllNotFoundException or TypeInitializationException)
        {
            throw new InferenceRuntimeException($"Model:ImageDecoder is '{requested}' and libvips cannot load here: {Describe(ex)}", ex);
        }
    }

    private static (ImageDecoder, ImageDecoderInfo) Describe(ImageDecoder decoder, string requested, string? fallbackReason) =>
        (decoder, new ImageDecoderInfo { Requested = requested, Active = decoder.Name, Library = decoder.Library, FallbackReason = fallbackReason });

    /// <summary>Null when OpenCV's native library loads; else why not, with the fix when it is a known one.</summary>
    private static string? ProbeOpenCv()
    {
        try
        {
            OpenCvEnvironment.Configure();
            _ = OpenCvSharp.Cv2.GetVersionString();
            return null;
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
        {
            var reason = Describe(ex);
            if (reason.Contains("libgtk-3", StringComparison.Ordinal) || reason.Contains("libgdk-3", StringComparison.Ordinal))
            {
                reason += " (OpenCV's runtime needs GTK 3: apt-get install -y libgtk-3-0)";
            }
            else if (reason.Contains("OpenCvSharpExtern", StringComparison.Ordinal))
            {
                reason += " (OpenCvSharp ships its native runtime for linux-x64 only)";
            }

            return reason;
        }
    }

    /// <summary>Each exception of the chain by type and its first sentence (the loader's probing details left out).</summary>
    private static string Describe(Exception ex)
    {
        var parts = new List<string>();
        for (var current = ex; current is not null; current = current.InnerException)
        {
            var message = current.Message.Trim();
            var cut = message.IndexOfAny(['\r', '\n']);
            message = cut < 0 ? message : message[..cut];
            var help = message.IndexOf(" In order to help", StringComparison.Ordinal);
            parts.Add($"{current.GetType().Name}: {(help < 0 ? message : message[..help])}");
        }

        return string.Join(" → ", parts);
    }
}
