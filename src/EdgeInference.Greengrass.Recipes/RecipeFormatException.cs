namespace EdgeInference.Greengrass.Recipes;

/// <summary>A recipe (or other YAML/JSON document) that cannot be read: bad syntax, several documents, duplicate keys.</summary>
public sealed class RecipeFormatException : Exception
{
    public RecipeFormatException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
