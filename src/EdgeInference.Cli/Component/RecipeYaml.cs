using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace EdgeInference.Cli.Component;

/// <summary>
/// Converts recipe YAML to a JSON tree and back, with YAML 1.2 core-schema typing (plain <c>true</c>, <c>1883</c>,
/// <c>null</c> are typed; anything quoted stays a string), so a rendered recipe keeps the template's types.
/// </summary>
internal static partial class RecipeYaml
{
    public static JsonObject Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new RecipeException($"The recipe is not valid YAML: {ex.Message}", ex);
        }

        if (stream.Documents.Count != 1)
        {
            throw new RecipeException($"The recipe must hold exactly one YAML document; it holds {stream.Documents.Count}.");
        }

        return ToJson(stream.Documents[0].RootNode) as JsonObject
            ?? throw new RecipeException("The recipe's top level must be a mapping (RecipeFormatVersion, ComponentName, ...).");
    }

    public static string Serialize(JsonObject recipe)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(writer, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: false));
        Emit(emitter, recipe);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static JsonNode? ToJson(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    var name = key is YamlScalarNode { Value: { } text } ? text : throw new RecipeException($"Only scalar keys are allowed (line {key.Start.Line}).");
                    if (obj.ContainsKey(name))
                    {
                        throw new RecipeException($"Duplicate key '{name}' (line {key.Start.Line}).");
                    }

                    obj[name] = ToJson(value);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children)
                {
                    array.Add(ToJson(item));
                }

                return array;
            case YamlScalarNode scalar:
                var raw = scalar.Value ?? string.Empty;
                var isPlain = (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any) && scalar.Tag.IsEmpty;
                return isPlain ? ResolvePlain(raw) : JsonValue.Create(raw);
            default:
                throw new RecipeException($"Aliases and anchors are not supported in recipes (line {node.Start.Line}).");
        }
    }

    /// <summary>YAML 1.2 core schema resolution of a plain scalar.</summary>
    internal static JsonNode? ResolvePlain(string raw)
    {
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

        if (FloatPattern().IsMatch(raw) && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(raw);
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, true, MappingStyle.Block));
                foreach (var (name, value) in obj)
                {
                    EmitString(emitter, name);
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                EmitString(emitter, text);
                break;
            default:
                // Numbers and booleans: their JSON text is also their plain YAML form.
                emitter.Emit(new Scalar(null, null, node.ToJsonString(), ScalarStyle.Plain, true, false));
                break;
        }
    }

    private static void EmitString(IEmitter emitter, string text)
    {
        ScalarStyle style;
        if (text.Contains('\n', StringComparison.Ordinal) && !HasTrailingSpaceOnLine(text))
        {
            style = ScalarStyle.Literal;
        }
        else if (ResolvePlain(text) is not JsonValue resolved || resolved.GetValueKind() != System.Text.Json.JsonValueKind.String
            || Yaml11Special().IsMatch(text))
        {
            style = ScalarStyle.DoubleQuoted;
        }
        else
        {
            style = ScalarStyle.Any;
        }

        emitter.Emit(new Scalar(null, null, text, style, true, style != ScalarStyle.Plain && style != ScalarStyle.Any));
    }

    private static bool HasTrailingSpaceOnLine(string text) =>
        text.Split('\n').Any(line => line.EndsWith(' ') || line.EndsWith('\t'));

    /// <summary>
    /// Plain scalars a YAML 1.1 reader (PyYAML in GDK, SnakeYAML) would not read as strings: dates, yes/no/on/off,
    /// hex/octal/underscored/sexagesimal numbers, .inf/.nan. Such strings are written quoted.
    /// </summary>
    [GeneratedRegex(@"^(\d{4}-\d{1,2}-\d{1,2}([Tt ].*)?|[yYnN]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|[-+]?0[xXoObB][0-9a-fA-F_]+|[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|[-+]?[0-9]+(:[0-5]?[0-9])+(\.[0-9_]*)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|<<|=)$")]
    private static partial Regex Yaml11Special();

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}

/// <summary>A recipe that cannot be read, rendered or accepted.</summary>
internal sealed class RecipeException : ComponentException
{
    public RecipeException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
