namespace EdgeInference.Greengrass.Emulator.Deployments;

/// <summary>greengrass-cli's <c>--merge NAME=VERSION</c> (picocli map option: split at the first <c>=</c>).</summary>
public static class RootComponents
{
    /// <summary>The option name used in messages.</summary>
    public const string OptionName = "--merge";

    /// <summary>Parses every <c>NAME=VERSION</c>; a later value for the same name wins, as in a map.</summary>
    /// <exception cref="DeploymentRefusedException">An entry without <c>=</c>, or with an empty name or version.</exception>
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var roots = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var separator = value.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0 || separator == value.Length - 1)
            {
                throw new DeploymentRefusedException(OptionName, "NAME=VERSION",
                    $"Value for option '{OptionName}' should be in KEY=VALUE format but was {value}");
            }

            roots[value[..separator].Trim()] = value[(separator + 1)..].Trim();
        }

        return roots;
    }
}
