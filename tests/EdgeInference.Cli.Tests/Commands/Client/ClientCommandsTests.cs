using System.CommandLine;
using System.Text.Json;
using EdgeInference.Cli.Commands.Client;
using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.Cli.Tests.Commands.Client;

/// <summary>infer, describe and bench against a real worker process on its embedded broker.</summary>
[Collection(ProcessTests.Collection)]
public sealed class ClientCommandsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Infer_And_Describe_AgainstARunningWorker_PrintResultJson()
    {
        var (worker, port) = await WorkerProcess.StartRunningAsync(TestModels.ColorClassifier, Token);
        await using (worker)
        {
            var image = await WriteTempAsync(TestImages.Solid(50, 50, (255, 0, 0), ".jpg"));

            var infer = await InvokeAsync("infer", "--image", image, "--port", $"{port}");
            var inferJson = await InvokeAsync("infer", "--image", image, "--port", $"{port}", "--request-id", "cli-7");
            var describe = await InvokeAsync("describe", "--port", $"{port}");

            Assert.Equal(0, infer.ExitCode);
            Assert.Equal("red", JsonDocument.Parse(infer.Output).RootElement.GetProperty("Classifications")[0].GetProperty("Label").GetString());
            Assert.Equal("cli-7", JsonDocument.Parse(inferJson.Output).RootElement.GetProperty("RequestId").GetString());
            Assert.Equal(0, describe.ExitCode);
            Assert.Equal("color-classifier-job-1", JsonDocument.Parse(describe.Output).RootElement.GetProperty("ModelPackagingDescription").GetProperty("JobName").GetString());
        }
    }

    [Fact]
    public async Task Top_CountThree_ShowsTheWorkersMetricsReports_AndGivesUpWithExitThreeWhereNoneComes()
    {
        var (worker, port) = await WorkerProcess.StartRunningAsync(TestModels.ColorClassifier, Token, "--Metrics:IntervalSeconds=1");
        await using (worker)
        {
            var image = await WriteTempAsync(TestImages.Solid(20, 20, (0, 255, 0), ".png"));
            var top = InvokeAsync("top", "--port", $"{port}", "--count", "3", "--json", "--wait", "20");
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(0, (await InvokeAsync("infer", "--image", image, "--port", $"{port}")).ExitCode);
            }

            var result = await top;
            var screen = await InvokeAsync("top", "--port", $"{port}", "--once", "--wait", "20");
            var silent = await InvokeAsync("top", "--port", $"{port}", "--metrics-topic", "edge-inference/nobody/metrics", "--once", "--wait", "1");

            Assert.Equal(0, result.ExitCode);
            var reports = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(3, reports.Count);
            Assert.All(reports, r => Assert.Equal("local", r.GetProperty("ThingName").GetString()));
            Assert.All(reports, r => Assert.Equal("CPUExecutionProvider", r.GetProperty("ExecutionProvider").GetString()));
            Assert.True(reports[^1].GetProperty("Totals").GetProperty("Requests").GetInt64() >= 3, result.Output);
            Assert.True(reports[^1].GetProperty("RssMB").GetDouble() > 10);
            Assert.Equal(0, screen.ExitCode);
            Assert.Contains("latency ms", screen.Output, StringComparison.Ordinal);
            Assert.Contains("RSS", screen.Output, StringComparison.Ordinal);
            Assert.Equal(ClientCommands.ExitNoAnswer, silent.ExitCode);
            Assert.Contains("Metrics:IntervalSeconds", silent.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Infer_NotAnImage_PrintsTheCodedErrorAndExitsOne()
    {
        var (worker, port) = await WorkerProcess.StartRunningAsync(TestModels.ColorClassifier, Token);
        await using (worker)
        {
            var file = await WriteTempAsync("this is text, not an image"u8.ToArray());

            var result = await InvokeAsync("infer", "--image", file, "--port", $"{port}");

            Assert.Equal(ClientCommands.ExitErrorReply, result.ExitCode);
            Assert.Equal("InvalidImage", JsonDocument.Parse(result.Output).RootElement.GetProperty("Error").GetProperty("Code").GetString());
        }
    }

    [Fact]
    public async Task Infer_NoBroker_SaysSoAndExitsTwo()
    {
        var image = await WriteTempAsync(TestImages.Solid(8, 8, (1, 2, 3)));

        var result = await InvokeAsync("infer", "--image", image, "--port", $"{FreePort.Next()}", "--timeout", "2");

        Assert.Equal(ClientCommands.ExitUnreachable, result.ExitCode);
        Assert.Contains("No MQTT broker answered at 127.0.0.1", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_BrokerButNoWorker_SaysNoWorkerAnsweredAndExitsThree()
    {
        await using var broker = await MosquittoBroker.StartAsync(Token);
        var image = await WriteTempAsync(TestImages.Solid(8, 8, (1, 2, 3)));

        var result = await InvokeAsync("infer", "--image", image, "--port", $"{broker.Port}", "--timeout", "1", "--thing-name", "nobody");

        Assert.Equal(ClientCommands.ExitNoAnswer, result.ExitCode);
        Assert.Contains("No worker answered on 'edge-inference/nobody/infer'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_MissingImageFile_ExitsWithAClearMessage()
    {
        var result = await InvokeAsync("infer", "--image", "/no/such/image.jpg");

        Assert.Equal(ClientCommands.ExitBadArguments, result.ExitCode);
        Assert.Contains("/no/such/image.jpg", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_AgainstARunningWorker_ReportsEveryFigureAndRatio()
    {
        var (worker, port) = await WorkerProcess.StartRunningAsync(TestModels.GreyAnomaly, Token, "--Model:IntraOpThreads=1");
        await using (worker)
        {
            var result = await InvokeAsync("bench", "--port", $"{port}", "--seconds", "0.5", "--clients", "2", "--json");

            Assert.True(result.ExitCode == 0, result.Error);
            var report = JsonDocument.Parse(result.Output).RootElement;
            Assert.Equal("grey-anomaly", report.GetProperty("Model").GetString());
            Assert.Equal(1, report.GetProperty("IntraOpThreads").GetInt32());
            foreach (var phase in new[] { "JpegToTensor", "RawSessionRun", "EndToEndUnloaded", "EndToEndLoaded" })
            {
                Assert.True(report.GetProperty(phase).GetProperty("Count").GetInt32() > 0, phase);
                Assert.True(report.GetProperty(phase).GetProperty("P50Ms").GetDouble() > 0, phase);
            }

            Assert.Equal(0, report.GetProperty("EndToEndLoaded").GetProperty("Errors").GetInt32());
            Assert.True(report.GetProperty("Ratios").GetProperty("ThroughputEndToEndOverRaw").GetDouble() > 0);
            // Progress goes to stderr as each phase starts (stdout stays the report).
            Assert.Matches(@"bench: warm-up: [0-9.]+ s at 2 clients \(not measured\)", result.Error);
            Assert.Contains("bench: round 1/", result.Error, StringComparison.Ordinal);
            Assert.Contains("end to end, 2 clients", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bench_SpawnWorkerOverEveryTransport_MeasuresColdStartMemoryAndIpcVersusBothMqttPaths()
    {
        var worker = Path.Combine(WorkerProcess.WorkerDirectory, "EdgeInference.Worker");

        var result = await InvokeAsync(
            "bench", "--spawn-worker", "--transport", "all", "--worker", worker, "--model", TestModels.ColorClassifier,
            "--seconds", "0.4", "--rounds", "1", "--clients", "2", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        var report = JsonDocument.Parse(result.Output).RootElement;
        Assert.True(report.GetProperty("ColdStartMs").GetDouble() > 0);
        Assert.True(report.GetProperty("ColdStartIpcMs").GetDouble() > 0);
        Assert.True(report.GetProperty("WorkerPeakRssMB").GetDouble() > 10);
        Assert.True(report.GetProperty("TransportOverheadIpc").GetProperty("Count").GetInt32() > 0);
        Assert.True(report.GetProperty("TransportOverheadMqtt").GetProperty("Count").GetInt32() > 0);
        Assert.True(report.GetProperty("TransportOverheadMqttBroker").GetProperty("Count").GetInt32() > 0);
        Assert.Equal(0, report.GetProperty("TransportOverheadMqttBroker").GetProperty("Errors").GetInt32());
        Assert.True(report.GetProperty("Stages").TryGetProperty("MqttBrokerUnloaded", out _));
        Assert.Equal("color-classifier", report.GetProperty("Model").GetString());
    }

    [Theory]
    [InlineData("both")]
    [InlineData("all")]
    public async Task Bench_TransportComparisonWithoutSpawnWorker_IsRefusedBeforeAnythingStarts(string transport)
    {
        var result = await InvokeAsync("bench", "--transport", transport, "--port", "1");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"--transport {transport} needs --spawn-worker", result.Error, StringComparison.Ordinal);
    }

    private static async Task<string> WriteTempAsync(byte[] bytes)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("edge-inference-cli-").FullName, "input.bin");
        await File.WriteAllBytesAsync(path, bytes, Token);
        return path;
    }

    private static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var command in ClientCommands.Create())
        {
            root.Subcommands.Add(command);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, Token);
        return (exitCode, output.ToString(), error.ToString());
    }
}
