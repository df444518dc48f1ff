using System.Runtime.InteropServices;
using EdgeInference.Core.Inference;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInference.Onnx.Runtime;

/// <summary>
/// Which ONNX Runtime native library this process runs: the bundled one, or a user-supplied <c>libonnxruntime.so</c>
/// (<c>Model:OnnxRuntimeLibrary</c>; NVIDIA's JetPack build on a Jetson). The choice is made once, before the first
/// ONNX Runtime call, by a DllImport resolver on ONNX Runtime's managed assembly; a library that does not exist, is not a
/// shared library, is not ONNX Runtime or is older than these bindings is refused first with the reason, since ONNX
/// Runtime's own type initialiser fails for good (for the whole process) on such a library.
/// </summary>
public static class OnnxRuntimeLibrary
{
    public const string ConfigurationKey = "Model:OnnxRuntimeLibrary";
    public const string BundledSource = "bundled";

    private const string NativeLibraryName = "onnxruntime";

    private static readonly Lock Gate = new();
    private static string? _configuredPath;
    private static OnnxRuntimeInfo? _current;

    /// <summary>The C API version these bindings ask for: ONNX Runtime's minor version (1.31 → 31).</summary>
    public static uint RequiredApiVersion { get; } = (uint)typeof(OrtEnv).Assembly.GetName().Version!.Minor;

    /// <summary>The bindings' own version, e.g. 1.31.1.</summary>
    public static string BindingsVersion { get; } = typeof(OrtEnv).Assembly.GetName().Version!.ToString(3);

    /// <summary>The library in use once <see cref="Use"/> ran; null before.</summary>
    public static OnnxRuntimeInfo? Current
    {
        get
        {
            lock (Gate)
            {
                return _current;
            }
        }
    }

    /// <summary>
    /// Checks that <paramref name="path"/> is an ONNX Runtime library these bindings can drive, without handing it to
    /// ONNX Runtime. Returns its version.
    /// </summary>
    /// <exception cref="InferenceRuntimeException">Naming the file and what is wrong with it.</exception>
    public static string Inspect(string path)
    {
        var (handle, version) = Open(path);
        // Unloaded again: an inspected library stays out of the process (and out of /proc/self/maps).
        NativeLibrary.Free(handle);
        return version;
    }

    /// <summary>
    /// Settles the library for this process (idempotent for the same choice) and initialises ONNX Runtime with it.
    /// Null or empty: the bundled library.
    /// </summary>
    /// <exception cref="InferenceRuntimeException">The library is unusable, or another one is already in use.</exception>
    public static OnnxRuntimeInfo Use(string? path)
    {
        var wanted = string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path);
        lock (Gate)
        {
            if (_current is not null)
            {
                if (!string.Equals(wanted, _configuredPath, StringComparison.Ordinal))
                {
                    throw new InferenceRuntimeException(
                        $"{ConfigurationKey} is '{wanted ?? "(empty: the bundled library)"}' but this process already runs ONNX Runtime {_current.Version} from {_current.Library}; the library cannot change while the worker runs: restart it.");
                }

                return _current;
            }

            if (wanted is not null)
            {
                var opened = Open(wanted);
                OrtEnv.DisableDllImportResolver = true;
                NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly, (name, _, _) => name == NativeLibraryName ? opened.Handle : IntPtr.Zero);
            }

            string version;
            try
            {
                version = OrtEnv.Instance().GetVersionString();
            }
            catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException or OnnxRuntimeException)
            {
                throw new InferenceRuntimeException($"ONNX Runtime could not start from {wanted ?? "the bundled library"}: {ex.GetBaseException().Message}", ex);
            }

            _configuredPath = wanted;
            _current = new OnnxRuntimeInfo
            {
                Library = wanted ?? LoadedLibraryPath() ?? "(bundled libonnxruntime.so)",
                Version = version,
                Source = wanted is null ? BundledSource : ConfigurationKey,
            };
            return _current;
        }
    }

    private static unsafe (IntPtr Handle, string Version) Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new InferenceRuntimeException(Directory.Exists(path)
                ? $"{ConfigurationKey} '{path}' is a folder; name the libonnxruntime.so file in it."
                : $"{ConfigurationKey} '{path}' does not exist.");
        }

        if (!IsElfSharedObject(path))
        {
            throw new InferenceRuntimeException($"{ConfigurationKey} '{path}' is not a shared library (no ELF shared-object header).");
        }

        IntPtr handle;
        try
        {
            handle = NativeLibrary.Load(path);
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException)
        {
            throw new InferenceRuntimeException($"{ConfigurationKey} '{path}' cannot be loaded: {ex.Message.Trim()} (wrong architecture, or a library it needs is missing: check with ldd).", ex);
        }

        if (!NativeLibrary.TryGetExport(handle, "OrtGetApiBase", out var getApiBase))
        {
            throw new InferenceRuntimeException($"{ConfigurationKey} '{path}' is not ONNX Runtime: it has no OrtGetApiBase function.");
        }

        var apiBase = ((delegate* unmanaged<OrtApiBaseTable*>)getApiBase)();
        var version = Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr>)apiBase->GetVersionString)()) ?? "unknown";
        var api = ((delegate* unmanaged<uint, IntPtr>)apiBase->GetApi)(RequiredApiVersion);
        if (api == IntPtr.Zero)
        {
            throw new InferenceRuntimeException(
                $"{ConfigurationKey} '{path}' is ONNX Runtime {version}, too old for this worker: its ONNX Runtime bindings ({BindingsVersion}) need C API version {RequiredApiVersion}, i.e. ONNX Runtime 1.{RequiredApiVersion} or later. Install ONNX Runtime 1.{RequiredApiVersion}+ built for this device (README: Jetson).");
        }

        return (handle, version);
    }

    private static bool IsElfSharedObject(string path)
    {
        Span<byte> header = stackalloc byte[18];
        using var file = File.OpenRead(path);
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header.StartsWith((ReadOnlySpan<byte>)[0x7F, 0x45, 0x4C, 0x46]))
        {
            return false;
        }

        // e_type (offset 16, in the file's byte order): 3 = ET_DYN.
        var type = header[5] == 2 ? (header[16] << 8) | header[17] : header[16] | (header[17] << 8);
        return type == 3;
    }

    /// <summary>
    /// The mapped file of the ONNX Runtime library the bindings use (Linux), e.g. the worker folder's libonnxruntime.so:
    /// the mapping that holds its OrtGetApiBase, so another copy loaded in the process is never taken for it.
    /// </summary>
    private static string? LoadedLibraryPath()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)
            || !NativeLibrary.TryLoad(NativeLibraryName, typeof(OrtEnv).Assembly, null, out var handle)
            || !NativeLibrary.TryGetExport(handle, "OrtGetApiBase", out var function))
        {
            return null;
        }

        var address = (ulong)function;
        foreach (var line in File.ReadLines(maps))
        {
            // "start-end perms offset dev inode path"
            var dash = line.IndexOf('-', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (dash < 0 || space < dash || slash < 0
                || !ulong.TryParse(line.AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber, null, out var start)
                || !ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), System.Globalization.NumberStyles.HexNumber, null, out var end))
            {
                continue;
            }

            if (address >= start && address < end)
            {
                return line[slash..];
            }
        }

        return null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct OrtApiBaseTable
    {
        public IntPtr GetApi;
        public IntPtr GetVersionString;
    }
}
