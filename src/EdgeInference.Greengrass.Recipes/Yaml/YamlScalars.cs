using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeInference.Greengrass.Recipes.Yaml;

/// <summary>
/// How plain YAML scalars are typed when read (YAML 1.2 core schema) and which strings must be quoted when written
/// so that YAML 1.1 readers (PyYAML in GDK, SnakeYAML) and YAML 1.2 readers (the nucleus's Jackson) all read them back as strings.
/// </summary>
public static partial class YamlScalars
{
    /// <summary>YAML 1.2 core-schema resolution of a plain scalar: null, bool, integer (decimal, 0x, 0o), float, else string.</summary>
    public static JsonNode? ResolvePlain(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.Length == 0 || raw is "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (raw is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (raw is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (IntegerPattern().IsMatch(raw) && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (HexPattern().IsMatch(raw) && long.TryParse(raw.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }

        if (OctalPattern().IsMatch(raw) && raw.Length <= 23)
        {
            return JsonValue.Create(Convert.ToInt64(raw[2..], 8));
        }

        if (FloatPattern().IsMatch(raw) && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }

        // .inf and .nan have no JSON form: they stay strings.
        return JsonValue.Create(raw);
    }

    /// <summary>True when a plain scalar would read back as something other than this string under YAML 1.1 or 1.2.</summary>
    public static bool NeedsQuotes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0
            || text != text.Trim()
            || ResolvePlain(text) is not JsonValue resolved
            || resolved.GetValueKind() != JsonValueKind.String
            || Yaml11NonString().IsMatch(text);
    }

    /// <summary>
    /// Plain scalars a YAML 1.1 reader would not read as strings: dates, y/n/yes/no/on/off, hex/octal/underscored/sexagesimal
    /// numbers, .inf/.nan, merge keys.
    /// </summary>
    [GeneratedRegex(
        @"^(~|null|Null|NULL|y|Y|n|N|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
        + @"|[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?"
        + @"|[-+]?0[xXoObB][0-9a-fA-F_]+|0o?[0-7_]+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?"
        + @"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
        + @"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?|<<|=)$")]
    private static partial Regex Yaml11NonString();

    [GeneratedRegex(@"^[-+]?[0-9]+\z")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^0x[0-9a-fA-F]+\z")]
    private static partial Regex HexPattern();

    [GeneratedRegex(@"^0o[0-7]+\z")]
    private static partial Regex OctalPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z")]
    private static partial Regex FloatPattern();
}
