using System.Text.Json.Serialization;

namespace EdgeInference.Greengrass.Recipes;

/// <summary>The recipe file formats Greengrass and GDK accept.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RecipeFormat>))]
public enum RecipeFormat
{
    Yaml,
    Json,
}
