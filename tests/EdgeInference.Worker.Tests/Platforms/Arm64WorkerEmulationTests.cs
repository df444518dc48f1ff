using System.Diagnostics;
using EdgeInference.Testing;
using EdgeInference.Worker.Tests.Fixtures;
using Xunit;

namespace EdgeInference.Worker.Tests.Platforms;

/// <summary>
/// The linux-arm64 worker proven, not assumed: the self-contained publish runs under qemu-user (no OpenCV runtime
/// exists for linux-arm64, so it decodes with libvips) and answers one JPEG over MQTT with ONNX Runtime's arm64 CPU build.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class Arm64WorkerEmulationTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_UnderEmulation_AnswersAJpegOverMqttDecodedWithVips()
    {
        Assert.SkipWhen(Arm64Worker.MissingPrerequisite is not null, Arm64Worker.MissingPrerequisite ?? string.Empty);
        await Arm64Worker.EnsurePublishedAsync(Token);
        await using var broker = await MosquittoBroker.StartAsync(Token);
        await using var client = await TestMqttClient.ConnectAsync(broker.Port, cancellationToken: Token);
        await client.SubscribeAsync("edge-inference/arm64/status", Token);

        var started = Stopwatch.GetTimestamp();
        await using var worker = Arm64Worker.Start(
            "--Mqtt:Host=127.0.0.1", $"--Mqtt:Port={broker.Port}", "--ThingName=arm64", $"--Model:Path={TestModels.ColorClassifier}", "--Model:Accelerator=cpu");
        await client.WaitAsync(m => TestMqttClient.Text(m).Contains("\"RUNNING\"", StringComparison.Ordinal), TimeSpan.FromMinutes(5), Token);
        var startToRunning = Stopwatch.GetElapsedTime(started);
        var reply = await client.RequestAsync("edge-inference/arm64/infer", TestImages.Solid(320, 240, (230, 20, 30), ".jpg"), Token, TimeSpan.FromMinutes(2));
        TestContext.Current.SendDiagnosticMessage($"arm64 worker under qemu: start to RUNNING {startToRunning.TotalSeconds:F1} s");

        Assert.False(reply.TryGetProperty("Error", out var error), error.ToString());
        Assert.Equal("red", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        Assert.Equal("CPUExecutionProvider", reply.GetProperty("ExecutionProvider").GetString());
        Assert.Contains("decodes images with vips (libvips 8.18.7)", worker.Output, StringComparison.Ordinal);
        Assert.Contains("OpenCvSharpExtern", worker.Output, StringComparison.Ordinal);
    }
}
