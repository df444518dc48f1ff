using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EdgeInference.Cli.Output;

/// <summary>
/// Writes a JSON value as block YAML. Strings a YAML 1.1 reader (PyYAML, as GDK uses) would take for another type —
/// <c>2020-01-25</c>, <c>yes</c>, <c>1.0</c> — are double-quoted; multi-line strings use the literal style.
/// </summary>
internal static partial class YamlText
{
    public static string ToYaml(JsonNode? value)
    {
        using var writer = new StringWriter();
        Write(writer, value);
        return writer.ToString();
    }

    public static void Write(TextWriter writer, JsonNode? value)
    {
        using var buffer = new StringWriter();
        Emit(buffer, value);
        var text = buffer.ToString();
        writer.Write(text.EndsWith('\n') ? text : text + "\n");
    }

    private static void Emit(TextWriter writer, JsonNode? value)
    {
        var emitter = new Emitter(writer, new EmitterSettings().WithBestIndent(2).WithBestWidth(int.MaxValue));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        EmitNode(emitter, value);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
    }

    private static void EmitNode(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, isImplicit: true, obj.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    EmitString(emitter, key);
                    EmitNode(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array)
                {
                    EmitNode(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
            default:
                switch (node.GetValueKind())
                {
                    case JsonValueKind.String:
                        EmitString(emitter, node.GetValue<string>());
                        break;
                    case JsonValueKind.True:
                        emitter.Emit(new Scalar(null, null, "true", ScalarStyle.Plain, true, false));
                        break;
                    case JsonValueKind.False:
                        emitter.Emit(new Scalar(null, null, "false", ScalarStyle.Plain, true, false));
                        break;
                    case JsonValueKind.Null:
                        emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                        break;
                    default:
                        emitter.Emit(new Scalar(null, null, node.ToJsonString(), ScalarStyle.Plain, true, false));
                        break;
                }

                break;
        }
    }

    private static void EmitString(IEmitter emitter, string text)
    {
        var style = text.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal
            : NeedsQuotes(text) ? ScalarStyle.DoubleQuoted
            : ScalarStyle.Any;
        emitter.Emit(new Scalar(null, null, text, style, isPlainImplicit: true, isQuotedImplicit: true));
    }

    /// <summary>True when a plain scalar would read back as something other than this string under YAML 1.1 or 1.2.</summary>
    internal static bool NeedsQuotes(string text) =>
        text.Length == 0 || text != text.Trim() || NonStringScalar().IsMatch(text);

    [GeneratedRegex(
        @"^(~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
        + @"|[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?"
        + @"|0[xX][0-9a-fA-F_]+|0o?[0-7_]+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?"
        + @"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
        + @"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?)$")]
    private static partial Regex NonStringScalar();
}
