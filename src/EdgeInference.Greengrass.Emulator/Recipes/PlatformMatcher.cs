using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeInference.Greengrass.Emulator.Recipes;

/// <summary>
/// Picks the first manifest whose <c>Platform</c> matches this device, as the nucleus does: every platform attribute must
/// match (<c>*</c> any value, <c>/regex/</c> a regular expression, else case-insensitive equality); no Platform matches all.
/// </summary>
public static class PlatformMatcher
{
    /// <summary>This machine's platform attributes: <c>os</c> (linux), <c>architecture</c> (amd64, aarch64, arm, x86), <c>runtime</c>.</summary>
    public static IReadOnlyDictionary<string, string> CurrentPlatform { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["os"] = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsWindows() ? "windows" : "unknown",
        ["architecture"] = GreengrassArchitecture(RuntimeInformation.OSArchitecture),
        ["runtime"] = "aws_nucleus_classic",
    };

    /// <summary>The Greengrass name of a CPU architecture.</summary>
    public static string GreengrassArchitecture(Architecture architecture) => architecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "aarch64",
        Architecture.Arm or Architecture.Armv6 => "arm",
        Architecture.X86 => "x86",
        _ => architecture.ToString().ToLowerInvariant(),
    };

    /// <summary>The first manifest matching <paramref name="platform"/> (this machine by default), or null.</summary>
    public static JsonObject? Select(IReadOnlyList<JsonObject> manifests, IReadOnlyDictionary<string, string>? platform = null)
    {
        platform ??= CurrentPlatform;
        return manifests.FirstOrDefault(m => Matches(m["Platform"] as JsonObject, platform));
    }

    /// <summary>Whether a manifest's <c>Platform</c> block matches <paramref name="platform"/>.</summary>
    public static bool Matches(JsonObject? manifestPlatform, IReadOnlyDictionary<string, string> platform)
    {
        foreach (var (key, node) in manifestPlatform ?? [])
        {
            var wanted = node?.ToString() ?? "*";
            if (wanted is "*" or "all")
            {
                continue;
            }

            if (!platform.TryGetValue(key, out var actual))
            {
                return false;
            }

            var matches = wanted.Length > 2 && wanted.StartsWith('/') && wanted.EndsWith('/')
                ? Regex.IsMatch(actual, wanted[1..^1], RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
                : string.Equals(wanted, actual, StringComparison.OrdinalIgnoreCase);
            if (!matches)
            {
                return false;
            }
        }

        return true;
    }
}
