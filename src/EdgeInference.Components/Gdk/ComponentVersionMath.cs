using System.Globalization;

namespace EdgeInference.Components.Gdk;

/// <summary>Semver ordering and GDK's NEXT_PATCH rule (latest version's patch + 1; 1.0.0 when none exists).</summary>
public static class ComponentVersionMath
{
    public const string FirstVersion = "1.0.0";

    public static string NextPatch(IEnumerable<string> existingVersions)
    {
        var latest = existingVersions
            .Select(v => (Text: v, Parsed: TryParse(v)))
            .Where(v => v.Parsed is not null)
            .OrderByDescending(v => v.Parsed!.Value.Major)
            .ThenByDescending(v => v.Parsed!.Value.Minor)
            .ThenByDescending(v => v.Parsed!.Value.Patch)
            .Select(v => v.Parsed)
            .FirstOrDefault();
        return latest is { } l ? $"{l.Major}.{l.Minor}.{l.Patch + 1}" : FirstVersion;
    }

    private static (long Major, long Minor, long Patch)? TryParse(string version)
    {
        if (!GdkConfig.SemVerPattern().IsMatch(version))
        {
            return null;
        }

        var core = version.Split('-', '+')[0].Split('.');
        return (long.Parse(core[0], CultureInfo.InvariantCulture), long.Parse(core[1], CultureInfo.InvariantCulture), long.Parse(core[2], CultureInfo.InvariantCulture));
    }
}
