using EdgeInference.Testing;
using EdgeInference.Worker.Tests.Fixtures;
using Xunit;

namespace EdgeInference.Worker.Tests;

/// <summary>The worker as users run it: a separate process, configured on the command line, reached only over MQTT.</summary>
[Collection(SerialCollection.Name)]
public sealed class WorkerProcessTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_CommandLineConfiguration_ServesOverMqtt_AndExitsZeroOnSigterm()
    {
        await using var broker = await MosquittoBroker.StartAsync(Token);
        await using var client = await TestMqttClient.ConnectAsync(broker.Port, cancellationToken: Token);
        await client.SubscribeAsync("edge-inference/line-7/status", Token);
        await using var worker = WorkerProcess.Start(
            "--Mqtt:Host=127.0.0.1", $"--Mqtt:Port={broker.Port}", "--ThingName=line-7",
            $"--Model:Path={TestModels.GreyAnomaly}", "--Model:Accelerator=auto", "--Limits:MaxConcurrentRequests=1");

        var running = await client.WaitAsync(m => TestMqttClient.Text(m).Contains("\"RUNNING\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60), Token);
        var reply = await client.RequestAsync("edge-inference/line-7/infer", TestImages.GreyWithWhiteSquare(128, 128, 40), Token);
        worker.Terminate();
        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var stopping = await client.WaitAsync(m => TestMqttClient.Text(m).Contains("\"STOPPING\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10), Token);

        Assert.NotNull(running);
        var anomaly = reply.GetProperty("DetectAnomalyResult");
        Assert.True(anomaly.GetProperty("IsAnomalous").GetBoolean());
        Assert.False(string.IsNullOrEmpty(anomaly.GetProperty("AnomalyMask").GetString()));
        Assert.Equal("arn:aws:greengrass:us-east-1:123456789012:components:com.example.GreyAnomaly:versions:1.0.0", reply.GetProperty("Model").GetProperty("ComponentVersionArn").GetString());
        Assert.True(exitCode == 0, worker.Output);
        Assert.True(stopping.Retain || stopping.Topic.EndsWith("status", StringComparison.Ordinal));
        Assert.Contains("CUDA", worker.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Mqtt:Port=70000", "Mqtt:Port")]
    [InlineData("--Model:Accelerator=tpu", "Model:Accelerator")]
    [InlineData("--Limits:MaxConcurrentRequests=0", "Limits:MaxConcurrentRequests")]
    [InlineData("--Topics:Request=edge-inference/+/infer", "Topics:Request")]
    [InlineData("--Model:Path=/nonexistent/package", "Model:Path")]
    [InlineData("--Mqtt:Port=abc", "Mqtt:Port")]
    public async Task Run_BadOption_ExitsNonZeroNamingTheKey(string argument, string key)
    {
        await using var worker = WorkerProcess.Start(argument, $"--Mqtt:Port={FreePort.Next()}".Replace(argument.StartsWith("--Mqtt:Port", StringComparison.Ordinal) ? "--Mqtt:Port" : "\u0000", "--Ignored", StringComparison.Ordinal));

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(key, worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PortAlreadyInUse_SaysWhichKeyToChangeAndExitsOneWithoutAStackTrace()
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        await using var worker = WorkerProcess.Start($"--Mqtt:Port={port}", $"--Model:Path={TestModels.ColorClassifier}", "--Model:Accelerator=cpu");

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 1, worker.Output);
        Assert.Contains($"Mqtt:Port {port} is already in use", worker.Output, StringComparison.Ordinal);
        Assert.Contains("set Mqtt:Port to a free port", worker.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", worker.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GpuRequiredWithoutCuda_ExitsNonZeroNamingCuda()
    {
        Assert.SkipWhen(Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"), "CUDA is present here");
        await using var worker = WorkerProcess.Start("--Model:Accelerator=gpu", $"--Mqtt:Port={FreePort.Next()}", $"--Model:Path={TestModels.ColorClassifier}");

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(4, exitCode);
        Assert.Contains("CUDA", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ManifestDoesNotMatchModel_ReportsFailedStatusAndExitsNonZero()
    {
        var package = TestModels.CopyToTemp(TestModels.ColorClassifier);
        var manifestPath = Path.Combine(package, "manifest.json");
        await File.WriteAllTextAsync(manifestPath, (await File.ReadAllTextAsync(manifestPath, Token)).Replace("\"Width\": 32", "\"Width\": 48", StringComparison.Ordinal), Token);
        await using var broker = await MosquittoBroker.StartAsync(Token);
        await using var client = await TestMqttClient.ConnectAsync(broker.Port, cancellationToken: Token);
        await client.SubscribeAsync("edge-inference/bad/status", Token);
        await using var worker = WorkerProcess.Start("--Mqtt:Host=127.0.0.1", $"--Mqtt:Port={broker.Port}", "--ThingName=bad", $"--Model:Path={package}");

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var failed = await client.WaitAsync(m => TestMqttClient.Text(m).Contains("\"FAILED\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10), Token);

        Assert.Equal(3, exitCode);
        Assert.Contains("48", TestMqttClient.Text(failed), StringComparison.Ordinal);
        Assert.Contains("image", worker.Output, StringComparison.Ordinal);
    }
}
