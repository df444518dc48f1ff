using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace EdgeInference.Packaging.Store;

/// <summary>The stores' record files: JSON written atomically, read back with a typed error naming the file when it is not valid.</summary>
public static class StoreJson
{
    public static void Write<T>(string path, T value, JsonTypeInfo<T> typeInfo) =>
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));

    /// <summary>The record, or null when the file does not exist.</summary>
    /// <exception cref="PackagingStoreException">The file is not valid JSON for <typeparamref name="T"/>.</exception>
    public static T? ReadIfExists<T>(string path, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, typeInfo);
        }
        catch (JsonException ex)
        {
            throw new PackagingStoreException($"The store file {path} is not valid: {ex.Message}", ex);
        }
    }
}
