using EdgeInference.Core.Inference;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInference.Onnx.Sessions;

/// <summary>
/// Keeps the model as ONNX Runtime optimised it on this machine. Building a session with every optimisation holds
/// several copies of the weights at once (ResNet18: a 344 MB peak) and takes ~0.5 s; loading the saved result with
/// optimisations off needs neither (186 MB, ~0.2 s) and runs as fast. The key covers everything the optimised graph
/// depends on — the model's SHA-256, ORT's version, the optimisation level, the architecture and the CPU (layout
/// transforms pick kernels by instruction set) — so a changed model, runtime or machine never reuses a stale file.
/// </summary>
internal sealed class OptimizedModelCache
{
    private static readonly Lazy<string> CpuIdentity = new(ReadCpuIdentity);
    private readonly string _directory;

    public OptimizedModelCache(string directory) => _directory = directory;

    /// <summary>Where the optimised form of this model, for these options, is (or will be) kept.</summary>
    public string PathFor(string modelSha256, GraphOptimization level)
    {
        var identity = string.Join('|', modelSha256, OrtEnv.Instance().GetVersionString(), level, RuntimeInformation.ProcessArchitecture, CpuIdentity.Value);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..24];
        return Path.Combine(_directory, $"{modelSha256[..12]}-{key}.optimized.onnx");
    }

    /// <summary>A unique temporary name beside <paramref name="finalPath"/>, so a half-written file is never taken for a cached one.</summary>
    public static string TemporaryPathFor(string finalPath) => $"{finalPath}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";

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
