using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace EdgeInference.Greengrass.Recipes.Yaml;

/// <summary>
/// The one YAML ⇄ JSON-tree conversion of the project: recipes are read with it, rendered recipes and the AWS-CLI-style
/// <c>--output yaml</c> are written with it. Reading types plain scalars by the YAML 1.2 core schema (quoted scalars stay
/// strings); writing quotes every string a YAML 1.1 or 1.2 reader would take for another type.
/// </summary>
public static class YamlJson
{
    /// <summary>Parses a YAML text holding at most one document; null for an empty text.</summary>
    /// <exception cref="RecipeFormatException">Not valid YAML, several documents, a non-scalar or duplicate key, or an alias.</exception>
    public static JsonNode? Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new RecipeFormatException($"The recipe is not valid YAML: {ex.Message}", ex);
        }

        return stream.Documents.Count switch
        {
            0 => null,
            1 => ToJson(stream.Documents[0].RootNode),
            _ => throw new RecipeFormatException($"The recipe must hold exactly one YAML document; it holds {stream.Documents.Count}."),
        };
    }

    /// <summary>Block YAML for <paramref name="value"/>, ending with a newline.</summary>
    /// <param name="explicitDocumentStart">Begin with <c>---</c> (recipes do; the AWS CLI's yaml output does not).</param>
    public static string ToYaml(JsonNode? value, bool explicitDocumentStart = false)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(writer, value, explicitDocumentStart);
        return writer.ToString();
    }

    /// <summary>Writes <paramref name="value"/> as block YAML, ending with a newline.</summary>
    public static void Write(TextWriter writer, JsonNode? value, bool explicitDocumentStart = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        using var buffer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(buffer, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: !explicitDocumentStart));
        Emit(emitter, value);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        var text = buffer.ToString();
        writer.Write(text.EndsWith('\n') ? text : text + "\n");
    }

    private static JsonNode? ToJson(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    var name = key is YamlScalarNode { Value: { } text } ? text : throw new RecipeFormatException($"Only scalar keys are allowed (line {key.Start.Line}).");
                    if (obj.ContainsKey(name))
                    {
                        throw new RecipeFormatException($"Duplicate key '{name}' (line {key.Start.Line}).");
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
                return isPlain ? YamlScalars.ResolvePlain(raw) : JsonValue.Create(raw);
            default:
                throw new RecipeFormatException($"Aliases and anchors are not supported in recipes (line {node.Start.Line}).");
        }
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, isImplicit: true, obj.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (name, value) in obj)
                {
                    EmitString(emitter, name);
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                EmitString(emitter, value.GetValue<string>());
                break;
            default:
                // Numbers, booleans and JSON null: their JSON text is also their plain YAML form.
                emitter.Emit(new Scalar(null, null, node.ToJsonString(), ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
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
        else if (YamlScalars.NeedsQuotes(text))
        {
            style = ScalarStyle.DoubleQuoted;
        }
        else
        {
            style = ScalarStyle.Any;
        }

        emitter.Emit(new Scalar(null, null, text, style, isPlainImplicit: true, isQuotedImplicit: true));
    }

    private static bool HasTrailingSpaceOnLine(string text) =>
        text.Split('\n').Any(line => line.EndsWith(' ') || line.EndsWith('\t'));
}
