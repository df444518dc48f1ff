using System.Text.Json.Nodes;
using EdgeInference.Bench.Flood;
using EdgeInference.Onnx.Imaging;
using Xunit;

namespace EdgeInference.Bench.Tests.Flood;

/// <summary>The parts of bench flood that need no worker: the hostile files claim what they say, memory is read from /proc, the report gives verdicts.</summary>
public sealed class FloodBenchmarkPartsTests
{
    [Theory]
    [InlineData("png")]
    [InlineData("jpeg")]
    public void HostilePayloads_HeaderClaimingAHugeImage_ReadsAsThatSize(string format)
    {
        var bytes = format == "png" ? HostilePayloads.PngClaiming(16000, 16000) : HostilePayloads.JpegClaiming(65000, 65000);

        Assert.True(ImageHeader.TryRead(bytes, out var header));
        Assert.Equal(format == "png" ? (16000, 16000) : (65000, 65000), (header.Width, header.Height));
        Assert.True(bytes.Length < 100);
    }

    [Fact]
    public void HostilePayloads_Tiff_IsALittleEndianTiffClaimingTheSizeInOneKilobyteOfData()
    {
        var tiff = HostilePayloads.TiffClaiming(16000, 16000);

        Assert.Equal("II*\0"u8.ToArray(), tiff[..4]);
        Assert.Equal(16000u, BitConverter.ToUInt32(tiff, 8 + 2 + 8));      // first entry: ImageWidth, LONG
        Assert.Equal(16000u, BitConverter.ToUInt32(tiff, 8 + 2 + 12 + 8)); // second entry: ImageLength
        Assert.True(tiff.Length < 2048);
    }

    [Fact]
    public void HostilePayloads_EveryInput_NamesTheCodesThatAnswerIt()
    {
        var inputs = HostilePayloads.Create();

        Assert.Equal(inputs.Count, inputs.Select(i => i.Name).Distinct().Count());
        Assert.All(inputs, i => Assert.NotEmpty(i.ExpectedCodes));
    }

    [Fact]
    public void ProcessMemory_Kilobytes_ParsesAStatusLine() =>
        Assert.Equal(194_560, ProcessMemory.Kilobytes("VmRSS:\t  194560 kB"));

    [Fact]
    public void ProcessMemory_Read_ThisProcess_HasAResidentSetWithinItsPeak()
    {
        var (rss, peak) = ProcessMemory.Read(Environment.ProcessId);

        Assert.True(rss > 1 << 20);
        Assert.True(peak >= rss);
    }

    [Fact]
    public void FloodBenchmark_FourHundredKilobyteJpeg_IsAJpegOfAtMost420KB()
    {
        var jpeg = FloodBenchmark.FourHundredKilobyteJpeg();

        Assert.True(ImageHeader.TryRead(jpeg, out var header));
        Assert.Equal((1280, 960), (header.Width, header.Height));
        Assert.InRange(jpeg.Length, 300 * 1024, 420 * 1024);
    }

    [Fact]
    public void FloodReport_Format_GivesAVerdictPerRatio()
    {
        var report = new JsonObject
        {
            ["Model"] = "m", ["ImageBytes"] = 1, ["Limits"] = new JsonObject(), ["SteadyRssMB"] = 200.0,
            ["Flood"] = new JsonObject { ["Sent"] = 10, ["Results"] = 4, ["Errors"] = new JsonObject { ["Busy"] = 6 }, ["Unanswered"] = 0 },
            ["FloodPeakRssMB"] = 280.0, ["FloodPeakOverSteady"] = 1.4, ["AfterFloodRssMB"] = 210.0,
            ["Hostile"] = new JsonArray(new JsonObject { ["Input"] = "garbage", ["Bytes"] = 5, ["Answer"] = "InvalidImage", ["Coded"] = true, ["NextRequestServed"] = false }),
            ["HostilePeakRssMB"] = 320.0, ["HostilePeakOverSteady"] = 1.6, ["HostileAllAnsweredWithTheirCode"] = true, ["HostileNextRequestAlwaysServed"] = false,
            ["LifetimePeakRssMB"] = 330.0, ["TargetRatio"] = 1.5,
        };

        var text = FloodReport.Format(report);

        Assert.Contains("1.4× steady   target ≤ 1.5×   met", text, StringComparison.Ordinal);
        Assert.Contains("1.6× steady   target ≤ 1.5×   MISSED", text, StringComparison.Ordinal);
        Assert.Contains("NOT SERVED", text, StringComparison.Ordinal);
    }
}
