using System.Text;
using System.Text.RegularExpressions;

namespace EdgeInference.Greengrass.Emulator.Authorization;

/// <summary>
/// One <c>resources</c> entry of an <c>accessControl</c> policy, validated and matched the way the nucleus does:
/// <list type="bullet">
/// <item>Validation (aws-greengrass-nucleus AuthorizationModule.validateResource): empty is refused; <c>?</c> is refused;
/// <c>${</c> must start one of the escapes <c>${*}</c>, <c>${$}</c>, <c>${?}</c>. So <c>${iot:thingName}</c> is refused,
/// not substituted: the nucleus drops such a resource when it loads the policies.</item>
/// <item>Matching (WildcardTrie): <c>*</c> matches any characters (also <c>/</c>); an escape matches its character
/// literally. With the MQTT-style lookup (<c>aws.greengrass.ipc.mqttproxy</c>) a <c>+</c> that fills a whole level
/// matches one level (no <c>/</c>), a final <c>/#</c> matches the level before it and everything below, and <c>#</c>
/// alone matches everything; a <c>+</c> or <c>#</c> used any other way is a literal character.</item>
/// </list>
/// </summary>
internal sealed class PolicyResource
{
    private const string Escapes = "*$?";
    private readonly Regex _standard;
    private readonly Regex _mqttStyle;

    private PolicyResource(string text)
    {
        Text = text;
        _standard = Compile(text, mqttStyle: false);
        _mqttStyle = Compile(text, mqttStyle: true);
    }

    /// <summary>The resource as written in the policy.</summary>
    public string Text { get; }

    /// <summary>Validates <paramref name="text"/> like AuthorizationModule.validateResource.</summary>
    /// <param name="text">The resource as written.</param>
    /// <param name="resource">The compiled resource when valid.</param>
    /// <param name="error">The nucleus's message when not.</param>
    public static bool TryCreate(string text, out PolicyResource? resource, out string? error)
    {
        resource = null;
        error = Validate(text);
        if (error is not null)
        {
            return false;
        }

        resource = new PolicyResource(text);
        return true;
    }

    /// <summary>Whether this resource grants <paramref name="requested"/>.</summary>
    public bool Matches(string requested, ResourceLookup lookup) =>
        (lookup == ResourceLookup.MqttStyle ? _mqttStyle : _standard).IsMatch(requested);

    /// <summary>The nucleus's validation message for <paramref name="text"/>, or null when it is valid.</summary>
    internal static string? Validate(string text)
    {
        if (text.Length == 0)
        {
            return "Resource cannot be empty";
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                if (EscapedCharacter(text, i) is not { } escaped)
                {
                    return "Resource contains an invalid escape sequence. You can use ${*}, ${$}, or ${?}";
                }

                if (!Escapes.Contains(escaped, StringComparison.Ordinal))
                {
                    return $"Resource contains an invalid escape sequence: ${{{escaped}}}. You can use ${{*}}, ${{$}}, or ${{?}}";
                }

                i += 3;
                continue;
            }

            if (text[i] == '?')
            {
                return "Resource contains invalid character: '?'. Use an escape sequence: ${?}. The '?' character isn't supported as a wildcard";
            }
        }

        return null;
    }

    /// <summary>The <c>c</c> of a four-character <c>${c}</c> starting at <paramref name="index"/>, else null.</summary>
    private static char? EscapedCharacter(string text, int index) =>
        text.Length - index >= 4 && text[index] == '$' && text[index + 1] == '{' && text[index + 3] == '}' ? text[index + 2] : null;

    private static Regex Compile(string text, bool mqttStyle)
    {
        var pattern = new StringBuilder("^");
        if (mqttStyle && text == "#")
        {
            pattern.Append(".*");
        }
        else
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '$' && EscapedCharacter(text, i) is { } escaped)
                {
                    pattern.Append(Regex.Escape(escaped.ToString()));
                    i += 3;
                }
                else if (c == '*')
                {
                    pattern.Append(".*");
                }
                else if (mqttStyle && c == '+' && (i == 0 || text[i - 1] == '/') && (i == text.Length - 1 || text[i + 1] == '/'))
                {
                    pattern.Append("[^/]*");
                }
                else if (mqttStyle && c == '#' && i == text.Length - 1 && i > 0 && text[i - 1] == '/')
                {
                    // "a/#" matches "a" too: the trailing separator is optional together with what follows it.
                    pattern.Length -= Regex.Escape("/").Length;
                    pattern.Append("(?:/.*)?");
                }
                else
                {
                    pattern.Append(Regex.Escape(c.ToString()));
                }
            }
        }

        pattern.Append('$');
        return new Regex(pattern.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }
}
