using System.Text.Json.Serialization;

namespace EdgeInference.Core.Json;

/// <summary>Enum names only: <c>"Status": 7</c> is an error, not an undefined value.</summary>
public sealed class StrictEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public StrictEnumConverter()
        : base(namingPolicy: null, allowIntegerValues: false)
    {
    }
}
