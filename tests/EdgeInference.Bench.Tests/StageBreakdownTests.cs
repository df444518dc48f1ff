using System.Text.Json;
using Xunit;

namespace EdgeInference.Bench.Tests;

public sealed class StageBreakdownTests
{
    [Fact]
    public void FromReply_ResultWithTimings_SplitsTheLatencyIntoStages()
    {
        using var reply = JsonDocument.Parse("""{"RequestId":"r","Timings":{"QueueMs":0.5,"DecodeMs":2.0,"PreprocessMs":1.0,"InferenceMs":12.0,"TotalMs":16.0,"BatchSize":1}}""");

        var sample = StageSample.FromReply(18.25, reply.RootElement)!.Value;

        Assert.Equal(2.25, sample.TransportMs, 9);
        Assert.Equal(0.5, sample.QueueMs);
        Assert.Equal(3.0, sample.DecodeMs);
        Assert.Equal(12.0, sample.InferenceMs);
        Assert.Equal(0.5, sample.RestMs, 9);
    }

    [Fact]
    public void FromReply_ErrorReply_Null()
    {
        using var reply = JsonDocument.Parse("""{"RequestId":"r","Error":{"Code":"Busy","Message":"m"}}""");

        Assert.Null(StageSample.FromReply(3, reply.RootElement));
    }

    [Fact]
    public void ToJson_HundredSamples_P50AndP90OfEveryStage()
    {
        var samples = Enumerable.Range(1, 100).Select(i => new StageSample(EndToEndMs: 20 + i, QueueMs: i / 100.0, DecodeMs: 3, InferenceMs: 10, TotalMs: 15)).ToList();

        var json = StageBreakdown.ToJson(samples);

        Assert.Equal(100, (int)json["Count"]!);
        Assert.Equal(70, (double)json["EndToEnd"]!["P50Ms"]!);
        Assert.Equal(110, (double)json["EndToEnd"]!["P90Ms"]!);
        Assert.Equal(55, (double)json["Transport"]!["P50Ms"]!);
        Assert.Equal(0.9, (double)json["Queue"]!["P90Ms"]!);
        Assert.Equal(3, (double)json["Decode"]!["P50Ms"]!);
        Assert.Equal(10, (double)json["Inference"]!["P50Ms"]!);
        Assert.Equal(1.49, (double)json["Rest"]!["P50Ms"]!);
    }

    [Fact]
    public void ToJson_NoSamples_NullPercentiles()
    {
        var json = StageBreakdown.ToJson([]);

        Assert.Equal(0, (int)json["Count"]!);
        Assert.Null(json["Transport"]!["P50Ms"]);
    }
}
