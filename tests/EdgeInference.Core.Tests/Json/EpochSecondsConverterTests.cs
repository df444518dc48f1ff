using System.Text;
using System.Text.Json;
using EdgeInference.Core.Json;
using Xunit;

namespace EdgeInference.Core.Tests.Json;

public sealed class EpochSecondsConverterTests
{
    private static readonly JsonSerializerOptions Options = new();

    [Theory]
    [InlineData("1700000000", 1_700_000_000_000L)]
    [InlineData("1700000000.5", 1_700_000_000_500L)]
    [InlineData("1700000000.123", 1_700_000_000_123L)]
    [InlineData("1700000000.1236", 1_700_000_000_124L)]
    [InlineData("1.7000000005E9", 1_700_000_000_500L)]
    [InlineData("0", 0L)]
    [InlineData("\"2023-11-14T22:13:20.500000+00:00\"", 1_700_000_000_500L)]
    [InlineData("\"2023-11-14T22:13:20Z\"", 1_700_000_000_000L)]
    [InlineData("\"2023-11-15T00:13:20+02:00\"", 1_700_000_000_000L)]
    [InlineData("\"2023-11-14T22:13:20\"", 1_700_000_000_000L)]
    [InlineData("\"1700000000.5\"", 1_700_000_000_500L)]
    public void Read_NumberOrIsoString_GivesTheInstant(string json, long expectedUnixMs)
    {
        var value = Read(json);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(expectedUnixMs), value);
        Assert.Equal(TimeSpan.Zero, value!.Value.Offset);
    }

    [Fact]
    public void Read_Null_IsNull()
    {
        Assert.Null(Read("null"));
    }

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("true")]
    [InlineData("{}")]
    public void Read_NotATimestamp_Throws(string json)
    {
        Assert.Throws<JsonException>(() => Read(json));
    }

    [Theory]
    [InlineData(1_700_000_000_000L, "1700000000")]
    [InlineData(1_700_000_000_500L, "1700000000.5")]
    [InlineData(1_700_000_000_050L, "1700000000.05")]
    [InlineData(1_700_000_000_123L, "1700000000.123")]
    public void Write_Instant_IsEpochSecondsNumber(long unixMs, string expected)
    {
        Assert.Equal(expected, Write(DateTimeOffset.FromUnixTimeMilliseconds(unixMs)));
    }

    [Fact]
    public void Write_NonUtcOffset_WritesTheSameInstant()
    {
        var instant = new DateTimeOffset(2023, 11, 15, 0, 13, 20, TimeSpan.FromHours(2));

        Assert.Equal("1700000000", Write(instant));
    }

    private static DateTimeOffset? Read(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return new EpochSecondsConverter().Read(ref reader, typeof(DateTimeOffset?), Options);
    }

    private static string Write(DateTimeOffset? value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            new EpochSecondsConverter().Write(writer, value, Options);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
