using NetVips;

namespace EdgeInference.Onnx.Imaging;

/// <summary>
/// Process-wide libvips settings: one worker thread per pipeline (requests already run in parallel, beside ONNX Runtime's
/// threads) and no operation cache (every request is a new image; a cache would only hold their buffers).
/// </summary>
public static class VipsEnvironment
{
    private static readonly Lazy<string> Settings = new(Apply, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Idempotent; returns <c>libvips X.Y.Z</c>.</summary>
    /// <exception cref="VipsException">libvips could not be initialised (its native library is missing or broken).</exception>
    public static string Configure() => Settings.Value;

    private static string Apply()
    {
        if (!ModuleInitializer.VipsInitialized)
        {
            throw new VipsException($"libvips could not be initialised: {ModuleInitializer.Exception?.Message ?? "unknown reason"}");
        }

        NetVips.NetVips.Concurrency = 1;
        Cache.Max = 0;
        Cache.MaxMem = 0;
        Cache.MaxFiles = 0;
        return $"libvips {NetVips.NetVips.Version(0)}.{NetVips.NetVips.Version(1)}.{NetVips.NetVips.Version(2)}";
    }
}
