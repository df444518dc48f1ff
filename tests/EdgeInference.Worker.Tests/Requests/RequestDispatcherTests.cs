using EdgeInference.Core.Results;
using EdgeInference.Worker.Models.Repository;
using EdgeInference.Worker.Tests.Fakes;
using Xunit;

namespace EdgeInference.Worker.Tests.Requests;

/// <summary>The one request path (read, address, route, refuse or queue, reply), on the worker's real services with a fake engine.</summary>
public sealed class RequestDispatcherTests : IDisposable
{
    private const string Request = "edge-inference/t/infer";
    private const string Result = "edge-inference/t/result";
    private readonly string _root = Directory.CreateTempSubdirectory("ei-dispatch-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Dispatch_DefaultTopic_OneModel_RepliesOnTheResultTopicWithProvenanceAndQueueTime()
    {
        await using var worker = await StartAsync(("own", "label-own"));

        var (reply, json) = await worker.RequestAsync(Request, [1, 2, 3], cancellationToken: Token);

        Assert.Equal(Result, reply.Topic);
        Assert.Equal("label-own", json.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        Assert.Equal("own", json.GetProperty("Model").GetProperty("Name").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("Model").GetProperty("ComponentVersionArn").ValueKind);
        Assert.True(json.GetProperty("Timings").TryGetProperty("QueueMs", out _));
    }

    [Fact]
    public async Task Dispatch_PerModelTopic_ReachesThatModel_AndRepliesOnItsResultTopic()
    {
        await using var worker = await StartAsync(("own", "a"), ("com.example.Pcb", "pcb", "b"));

        var (reply, json) = await worker.RequestAsync("edge-inference/t/models/pcb/infer", [1], cancellationToken: Token);

        Assert.Equal("edge-inference/t/models/pcb/result", reply.Topic);
        Assert.Equal("b", json.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        Assert.Equal("com.example.Pcb", json.GetProperty("Model").GetProperty("ComponentName").GetString());
    }

    [Fact]
    public async Task Dispatch_UnknownModel_IsModelNotFoundListingWhatIsServed()
    {
        await using var worker = await StartAsync(("own", "a"));

        var (_, json) = await worker.RequestAsync("edge-inference/t/models/nope/infer", [1], cancellationToken: Token);

        Assert.Equal(ErrorCodes.ModelNotFound, Code(json));
        Assert.Contains("'nope'", Message(json), StringComparison.Ordinal);
        Assert.Contains("own", Message(json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_DefaultTopic_SeveralModels_AsksToNameOne_AndTheModelFieldOrPropertyNamesIt()
    {
        await using var worker = await StartAsync(("own", "a"), ("com.example.Pcb", "pcb", "b"));

        var (_, ambiguous) = await worker.RequestAsync(Request, [1], cancellationToken: Token);
        var (_, byField) = await worker.RequestAsync(Request, WorkerServices.Json("{\"Image\":\"AQ==\",\"Model\":\"pcb\"}"), cancellationToken: Token);
        var (_, byProperty) = await worker.RequestAsync(Request, [1], model: "own", cancellationToken: Token);

        Assert.Equal(ErrorCodes.ModelNotFound, Code(ambiguous));
        Assert.Contains("models/<name>/infer", Message(ambiguous), StringComparison.Ordinal);
        Assert.Equal("b", byField.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        Assert.Equal("a", byProperty.GetProperty("Classifications")[0].GetProperty("Label").GetString());
    }

    [Fact]
    public async Task Dispatch_ModelsDefault_ServesTheDefaultTopic()
    {
        await using var worker = await StartAsync([("own", null, "a"), ("com.example.Pcb", "pcb", "b")], new Dictionary<string, string?> { ["Models:Default"] = "pcb" });

        var (_, json) = await worker.RequestAsync(Request, [1], cancellationToken: Token);

        Assert.Equal("b", json.GetProperty("Classifications")[0].GetProperty("Label").GetString());
    }

    [Theory]
    [InlineData("edge-inference/t/infer", "own request")]
    [InlineData("edge-inference/t/status", "own request")]
    [InlineData("edge-inference/t/models/x/infer", "own request")]
    [InlineData("replies/+", "wildcards")]
    [InlineData("replies/\u0000x", "control characters")]
    [InlineData("$SYS/x", "leading '$'")]
    public async Task Dispatch_ReplyToNotAllowed_IsRefusedOnTheResultTopic_AndTheNextRequestIsServed(string replyTo, string reason)
    {
        await using var worker = await StartAsync(("own", "a"));
        var payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { RequestId = "r-1", Image = "AQ==", ReplyTo = replyTo });

        var (reply, json) = await worker.RequestAsync(Request, payload, cancellationToken: Token);
        var (next, nextJson) = await worker.RequestAsync(Request, [1], cancellationToken: Token);

        Assert.Equal(Result, reply.Topic);
        Assert.Equal(("r-1", ErrorCodes.InvalidRequest), (json.GetProperty("RequestId").GetString(), Code(json)));
        Assert.Contains(reason, Message(json), StringComparison.Ordinal);
        Assert.Equal(1, worker.Loader.Engines.Sum(e => e.Runs));
        Assert.Equal("a", nextJson.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        Assert.Equal(Result, next.Topic);
    }

    [Fact]
    public async Task Dispatch_ReplyToOverMqttsLength_IsRefused()
    {
        await using var worker = await StartAsync(("own", "a"));
        var payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { Image = "AQ==", ReplyTo = new string('r', 70_000) });

        var (reply, json) = await worker.RequestAsync(Request, payload, cancellationToken: Token);

        Assert.Equal((Result, ErrorCodes.InvalidRequest), (reply.Topic, Code(json)));
    }

    [Fact]
    public async Task Dispatch_ResponseTopic_WinsOverReplyTo()
    {
        await using var worker = await StartAsync(("own", "a"));

        var (reply, _) = await worker.RequestAsync(Request, WorkerServices.Json("{\"Image\":\"AQ==\",\"ReplyTo\":\"json/reply\"}"), responseTopic: "mqtt5/reply", cancellationToken: Token);

        Assert.Equal("mqtt5/reply", reply.Topic);
    }

    [Fact]
    public async Task Dispatch_EngineRefusesTheImage_IsItsCode_AndTheNextIsServed()
    {
        await using var worker = await StartAsync(("own", "a"));

        var (_, refused) = await worker.RequestAsync(Request, [0xBA, 1], cancellationToken: Token);
        var (_, served) = await worker.RequestAsync(Request, [1], cancellationToken: Token);

        Assert.Equal(ErrorCodes.InvalidImage, Code(refused));
        Assert.True(served.TryGetProperty("Classifications", out _));
    }

    [Fact]
    public async Task Dispatch_AfterStopIntake_IsAnsweredBusy_NotSilence()
    {
        await using var worker = await StartAsync(("own", "a"));
        worker.Dispatcher.StopIntake();

        var (_, json) = await worker.RequestAsync(Request, [1], cancellationToken: Token);

        Assert.Equal(ErrorCodes.Busy, Code(json));
        Assert.Contains("stopping", Message(json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_Describe_ListsEveryModelAndRegistration_AndHonoursReplyTo()
    {
        await using var worker = await StartAsync(("own", "a"), ("com.example.Pcb", "pcb", "b"));

        var (reply, json) = await worker.RequestAsync("edge-inference/t/describe", WorkerServices.Json("{\"RequestId\":\"d-1\",\"ReplyTo\":\"my/describe\"}"), cancellationToken: Token);

        Assert.Equal("my/describe", reply.Topic);
        Assert.Equal("d-1", json.GetProperty("RequestId").GetString());
        var models = json.GetProperty("Models").EnumerateArray().ToDictionary(m => m.GetProperty("Name").GetString()!);
        Assert.Equal(["own", "pcb"], models.Keys.Order());
        Assert.Equal("component", models["pcb"].GetProperty("Origin").GetString());
        Assert.Equal("edge-inference/t/models/pcb/infer", models["pcb"].GetProperty("RequestTopic").GetString());
        Assert.Equal("LOADED", models["pcb"].GetProperty("Status").GetString());
        var registration = Assert.Single(json.GetProperty("Registrations").EnumerateArray());
        Assert.Equal(("com.example.Pcb", "LOADED"), (registration.GetProperty("Component").GetString(), registration.GetProperty("Status").GetString()));
    }

    private static string Code(System.Text.Json.JsonElement json) => json.GetProperty("Error").GetProperty("Code").GetString()!;

    private static string Message(System.Text.Json.JsonElement json) => json.GetProperty("Error").GetProperty("Message").GetString()!;

    private Task<WorkerServices> StartAsync(params (string Name, string Label)[] own) => StartAsync([.. own.Select(o => (o.Name, (string?)null, o.Label))], []);

    private Task<WorkerServices> StartAsync((string Own, string OwnLabel) own, (string Component, string Name, string Label) registered) =>
        StartAsync([(own.Own, null, own.OwnLabel), (registered.Component, registered.Name, registered.Label)], []);

    private async Task<WorkerServices> StartAsync((string Id, string? Name, string Label)[] models, Dictionary<string, string?> extra)
    {
        var repository = Path.Combine(_root, "repository");
        var settings = new Dictionary<string, string?>(extra) { ["Models:Repository"] = repository };
        foreach (var (id, name, label) in models)
        {
            var package = FakeEngineLoader.Package(_root, name ?? id, label);
            if (name is null)
            {
                settings["Model:Path"] = package;
            }
            else
            {
                new ModelRepository(repository).Write(new ModelRegistration { Component = id, ModelName = name, Package = package, RegistrationId = Guid.NewGuid().ToString("N") });
            }
        }

        return await WorkerServices.StartAsync(settings, Token);
    }
}
