using EdgeInference.Testing;
using EdgeInference.Worker.Hosting;
using EdgeInference.Worker.Models.Repository;
using EdgeInference.Worker.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace EdgeInference.Worker.Tests.Models.Repository;

/// <summary>
/// <c>models register|unregister</c> as a model component's lifecycle runs them, against a real worker (embedded broker,
/// real ONNX Runtime, the test models): the registrant learns the outcome, and requests reach the model by name.
/// </summary>
public sealed class ModelsCommandTests : IDisposable
{
    private readonly string _repository = Directory.CreateTempSubdirectory("ei-repo-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_repository, recursive: true);

    [Fact]
    public async Task Register_WorkerLoadsTheModel_ExitsZero_ThenRequestsByNameAreServed_AndUnregisterRemovesIt()
    {
        await using var worker = await StartWorkerAsync();
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);

        var (code, output, _) = await RunAsync("models", "register", "--repository", _repository, "--component", "com.example.Colors", "--name", "colors",
            "--package", TestModels.ColorClassifier, "--artifacts-path", "/greengrass/v2/packages/artifacts/com.example.Colors/2.1.0", "--wait", "60");

        Assert.Equal(ModelsCommand.Loaded, code);
        Assert.Contains("serves model 'colors'", output, StringComparison.Ordinal);
        var reply = await client.RequestAsync("edge-inference/test/models/colors/infer", TestImages.Solid(16, 16, (0, 200, 0)), Token);
        Assert.Equal("green", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        Assert.Equal(("com.example.Colors", "2.1.0"), (reply.GetProperty("Model").GetProperty("ComponentName").GetString(), reply.GetProperty("Model").GetProperty("ComponentVersion").GetString()));

        Assert.Equal(0, (await RunAsync("models", "unregister", "--repository", _repository, "--component", "com.example.Colors")).Code);
        var gone = await WaitForAsync(client, "edge-inference/test/models/colors/infer", r => r.TryGetProperty("Error", out var e) && e.GetProperty("Code").GetString() == "ModelNotFound");
        Assert.Contains("colors", gone.GetProperty("Error").GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_UnusablePackage_ExitsThreeWithTheWorkersReason()
    {
        await using var worker = await StartWorkerAsync();
        var broken = Directory.CreateTempSubdirectory("ei-broken-").FullName;
        File.WriteAllText(Path.Combine(broken, "manifest.json"), "{ not json");

        var (code, _, error) = await RunAsync("models", "register", "--repository", _repository, "--component", "com.example.Broken", "--package", broken, "--wait", "60");

        Assert.Equal(ModelsCommand.Failed, code);
        Assert.Contains("cannot serve model 'com.example.Broken'", error, StringComparison.Ordinal);
        Assert.Contains("manifest", error, StringComparison.OrdinalIgnoreCase);
        Directory.Delete(broken, recursive: true);
    }

    [Fact]
    public async Task Register_ANameAlreadyServed_ExitsThreeNamingTheComponentThatHasIt()
    {
        await using var worker = await StartWorkerAsync();
        Assert.Equal(0, (await RunAsync("models", "register", "--repository", _repository, "--component", "com.example.A", "--name", "inspect", "--package", TestModels.ColorClassifier, "--wait", "60")).Code);

        var (code, _, error) = await RunAsync("models", "register", "--repository", _repository, "--component", "com.example.B", "--name", "inspect", "--package", TestModels.GreyAnomaly, "--wait", "60");

        Assert.Equal(ModelsCommand.Failed, code);
        Assert.Contains("already served by com.example.A", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_NoWorker_GivesUpAfterTheWait_NamingTheRuntimeComponent()
    {
        var time = new FakeTimeProvider();
        var run = RunAsync(time, "models", "register", "--repository", _repository, "--component", "com.example.A", "--package", TestModels.ColorClassifier, "--wait", "5");
        for (var i = 0; i < 200 && !run.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(200));
            await Task.Delay(1, Token);
        }

        var (code, _, error) = await run;
        Assert.Equal(ModelsCommand.NoAnswer, code);
        Assert.Contains("did not answer within 5 s", error, StringComparison.Ordinal);
        Assert.Contains("com.example.EdgeInference", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--component", "bad name")]
    [InlineData("--name", "a/b")]
    [InlineData("--package", "/no/such/package")]
    public async Task Register_BadArgument_ExitsTwoNamingIt(string option, string value)
    {
        var args = new Dictionary<string, string> { ["--component"] = "com.example.A", ["--package"] = TestModels.ColorClassifier, [option] = value };

        var (code, _, error) = await RunAsync(["models", "register", "--repository", _repository, .. args.SelectMany(a => new[] { a.Key, a.Value }), "--wait", "0"]);

        Assert.Equal(ModelsCommand.BadArguments, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(_repository));
    }

    private Task<InProcessWorker> StartWorkerAsync() =>
        InProcessWorker.StartAsync(new Dictionary<string, string?> { ["Models:Repository"] = _repository, ["Models:RescanSeconds"] = "1" }, Token);

    private static Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunAsync(TimeProvider.System, args);

    private static async Task<(int Code, string Output, string Error)> RunAsync(TimeProvider time, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await WorkerProgram.RunModelsCommandAsync(args, output, error, time, Token);
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<System.Text.Json.JsonElement> WaitForAsync(TestMqttClient client, string topic, Func<System.Text.Json.JsonElement, bool> done)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var reply = await client.RequestAsync(topic, TestImages.Solid(8, 8, (1, 2, 3)), Token);
            if (done(reply))
            {
                return reply;
            }

            await Task.Delay(100, Token);
        }

        throw new TimeoutException($"{topic} never answered as expected.");
    }
}
