using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeInference.Core.Json;

/// <summary>
/// Writes timestamps as epoch seconds in a JSON number (fractional milliseconds kept), the way AWS JSON
/// protocols do; reads numbers, numbers in strings (configuration values), and ISO-8601 strings as the AWS CLI prints them.
/// </summary>
public sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                var seconds = reader.GetDecimal();
                var milliseconds = (long)decimal.Round(seconds * 1000m, MidpointRounding.AwayFromZero);
                return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
            case JsonTokenType.String:
                var text = reader.GetString();
                if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var epochSeconds))
                {
                    return DateTimeOffset.FromUnixTimeMilliseconds((long)decimal.Round(epochSeconds * 1000m, MidpointRounding.AwayFromZero));
                }

                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    return parsed.ToUniversalTime();
                }

                throw new JsonException($"'{text}' is not an epoch-seconds number or an ISO-8601 timestamp.");
            default:
                throw new JsonException($"Expected an epoch-seconds number, got {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        var milliseconds = value.Value.ToUnixTimeMilliseconds();
        if (milliseconds % 1000 == 0)
        {
            writer.WriteNumberValue(milliseconds / 1000);
        }
        else
        {
            writer.WriteNumberValue(milliseconds / 1000m);
        }
    }
}
