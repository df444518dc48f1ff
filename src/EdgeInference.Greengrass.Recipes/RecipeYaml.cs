using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Recipes.Yaml;

namespace EdgeInference.Greengrass.Recipes;

/// <summary>A recipe's YAML text ⇄ its JSON tree (through <see cref="YamlJson"/>), with the rules a recipe document adds.</summary>
public static class RecipeYaml
{
    /// <exception cref="RecipeFormatException">Not valid YAML, not exactly one document, or not a mapping at the top level.</exception>
    public static JsonObject Parse(string yaml)
    {
        var root = YamlJson.Parse(yaml);
        if (root is null)
        {
            throw new RecipeFormatException("The recipe must hold exactly one YAML document; it holds 0.");
        }

        return root as JsonObject
            ?? throw new RecipeFormatException("The recipe's top level must be a mapping (RecipeFormatVersion, ComponentName, ...).");
    }

    /// <summary>The recipe as YAML, starting with <c>---</c>.</summary>
    public static string Serialize(JsonObject recipe) => YamlJson.ToYaml(recipe, explicitDocumentStart: true);
}
