using EdgeInference.Core.Inference;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInference.Onnx.Sessions;

/// <summary>
/// Keeps the model as ONNX Runtime optimised it on this machine. Building a session with every optimisation holds
/// several copies of the weights at once (ResNet18: a 344 MB peak) and takes ~0.5 s; loading the saved result with
/// optimisations off needs neither and runs as fast. The key covers everything the optimised graph depends on — the
/// model's SHA-256, ORT's version, the optimisation level, the architecture and the CPU (layout transforms pick kernels
/// by instruction set) — so a changed model, runtime or machine never reuses a stale entry.
/// <para>
/// An entry is a folder: the graph (<see cref="ModelFileName"/>) and its weights in a file of their own
/// (<see cref="WeightsFileName"/>), which ONNX Runtime maps into memory instead of reading them into the heap. On a VM
/// where each first touch of a heap page faults, that is ResNet18's session in ~25 ms instead of ~480 ms (BENCHMARKS.md,
/// "Cold start"), and the weights are page cache that two workers on one device share.
/// </para>
/// </summary>
internal sealed class OptimizedModelCache
{
    /// <summary>The optimised graph in an entry's folder.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>The optimised graph's weights (initializers of 1 KiB or more), beside it.</summary>
    public const string WeightsFileName = "weights.bin";

    private static readonly Lazy<string> CpuIdentity = new(ReadCpuIdentity);
    private readonly string _directory;

    public OptimizedModelCache(string directory) => _directory = directory;

    /// <summary>Where the optimised graph of this model, for these options, is (or will be) kept: <see cref="ModelFileName"/> in the entry's folder.</summary>
    public string PathFor(string modelSha256, GraphOptimization level)
    {
        var identity = string.Join('|', modelSha256, OrtEnv.Instance().GetVersionString(), level, RuntimeInformation.ProcessArchitecture, CpuIdentity.Value);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..24];
        return Path.Combine(_directory, $"{modelSha256[..12]}-{key}", ModelFileName);
    }

    /// <summary>
    /// Makes a new, uniquely named folder beside the entry of <paramref name="modelPath"/> and has <paramref name="options"/>
    /// save the optimised graph and its weights there, so a half-written entry is never taken for a stored one.
    /// </summary>
    /// <returns>The folder, for <see cref="Commit"/>.</returns>
    /// <exception cref="IOException">The cache folder cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The cache folder cannot be written.</exception>
    public static string SaveInto(string modelPath, SessionOptions options)
    {
        var folder = Directory.CreateDirectory($"{EntryOf(modelPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp").FullName;
        options.OptimizedModelFilePath = Path.Combine(folder, ModelFileName);
        options.AddSessionConfigEntry("session.optimized_model_external_initializers_file_name", WeightsFileName);
        options.AddSessionConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
        return folder;
    }

    /// <summary>
    /// Makes <paramref name="folder"/> (from <see cref="SaveInto"/>) the entry of <paramref name="modelPath"/> in one rename,
    /// and removes the single-file entries earlier versions kept for the same model (they held the weights inline).
    /// </summary>
    /// <returns>False when ONNX Runtime saved nothing there (the folder is removed).</returns>
    /// <exception cref="IOException">The rename failed for another reason than another process storing the entry first.</exception>
    /// <exception cref="UnauthorizedAccessException">The rename failed.</exception>
    public static bool Commit(string folder, string modelPath)
    {
        if (!File.Exists(Path.Combine(folder, ModelFileName)))
        {
            TryDelete(folder);
            return false;
        }

        var entry = EntryOf(modelPath);
        try
        {
            Directory.Move(folder, entry);
        }
        catch (IOException) when (Directory.Exists(entry))
        {
            if (File.Exists(modelPath))
            {
                // Another worker stored the same entry first: theirs serves.
                TryDelete(folder);
            }
            else
            {
                // An entry without its graph (removed by hand): replaced.
                Directory.Delete(entry, recursive: true);
                Directory.Move(folder, entry);
            }
        }

        RemoveEarlierLayout(entry);
        return true;
    }

    /// <summary>Removes the entry of <paramref name="modelPath"/> (an unusable one); what cannot be removed is left for the next start.</summary>
    public static void TryDeleteEntry(string modelPath) => TryDelete(EntryOf(modelPath));

    /// <summary>Removes a folder of the cache (an entry, or one from <see cref="SaveInto"/>); what cannot be removed is left for the next start.</summary>
    public static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next start.
        }
    }

    /// <summary>The entry's folder: the one <see cref="ModelFileName"/> lies in.</summary>
    private static string EntryOf(string modelPath) => Path.GetDirectoryName(modelPath)!;

    private static void RemoveEarlierLayout(string entry)
    {
        var name = Path.GetFileName(entry);
        try
        {
            foreach (var earlier in Directory.EnumerateFiles(Path.GetDirectoryName(entry)!, $"{name[..12]}-*.optimized.onnx"))
            {
                File.Delete(earlier);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left as it is: it costs disk space, nothing else.
        }
    }

    private static string ReadCpuIdentity()
    {
        try
        {
            var lines = File.ReadLines("/proc/cpuinfo")
                .Where(l => l.StartsWith("model name", StringComparison.Ordinal) || l.StartsWith("flags", StringComparison.Ordinal) || l.StartsWith("Features", StringComparison.Ordinal))
                .Distinct()
                .Take(3);
            return string.Join('|', lines);
        }
        catch (IOException)
        {
            return Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (UnauthorizedAccessException)
        {
            return Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
