using EdgeInference.Testing;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace EdgeInference.Worker.Tests.Options;

public sealed class OptionsValidatorsTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new MqttOptionsValidator().Validate(null, new MqttOptions()).Succeeded);
        Assert.True(new TopicOptionsValidator().Validate(null, new TopicOptions()).Succeeded);
        Assert.True(new LimitsOptionsValidator().Validate(null, new LimitsOptions()).Succeeded);
        Assert.True(new MetricsOptionsValidator().Validate(null, new MetricsOptions()).Succeeded);
        Assert.True(new WorkerOptionsValidator().Validate(null, new WorkerOptions()).Succeeded);
        Assert.True(new ModelOptionsValidator().Validate(null, new ModelOptions { Path = TestModels.ColorClassifier }).Succeeded);
    }

    [Theory]
    [InlineData(0, "Mqtt:Port")]
    [InlineData(65536, "Mqtt:Port")]
    public void Validate_PortOutOfRange_NamesTheKey(int port, string key) =>
        AssertFails(new MqttOptionsValidator().Validate(null, new MqttOptions { Port = port }).FailureMessage, key, port.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Validate_OnnxRuntimeLibraryMissing_IsRefusedNamingTheKeyAndTheFile()
    {
        // Whether this process already runs ONNX Runtime (other tests load models) or not, a missing library is refused.
        var message = new ModelOptionsValidator().Validate(null, new ModelOptions { Path = TestModels.ColorClassifier, OnnxRuntimeLibrary = "/nope/libonnxruntime.so" }).FailureMessage;

        AssertFails(message, "Model:OnnxRuntimeLibrary", "/nope/libonnxruntime.so");
    }

    [Fact]
    public void Validate_SharedGroupOnEmbeddedBroker_Refused() =>
        AssertFails(new MqttOptionsValidator().Validate(null, new MqttOptions { SharedGroup = "g" }).FailureMessage, "Mqtt:SharedGroup", "embedded");

    [Fact]
    public void Validate_TlsWithMissingFilesAndHalfAPair_NamesEachKey()
    {
        var options = new MqttOptions { Host = "broker", Tls = new MqttTlsOptions { Enabled = true, CaFile = "/nope/ca.pem", CertFile = "/nope/cert.pem" } };

        var message = new MqttOptionsValidator().Validate(null, options).FailureMessage;

        AssertFails(message, "Mqtt:Tls:CaFile", "/nope/ca.pem");
        AssertFails(message, "Mqtt:Tls:CertFile", "Mqtt:Tls:KeyFile");
    }

    [Theory]
    [InlineData("edge/+/infer")]
    [InlineData("edge/#")]
    [InlineData("$SYS/x")]
    [InlineData("")]
    public void Validate_BadRequestTopic_NamesTopicsRequest(string topic) =>
        AssertFails(new TopicOptionsValidator().Validate(null, new TopicOptions { Request = topic }).FailureMessage, "Topics:Request");

    [Fact]
    public void Validate_SameTopicTwice_Refused() =>
        AssertFails(new TopicOptionsValidator().Validate(null, new TopicOptions { Result = "a/b", Status = "a/b" }).FailureMessage, "must all differ");

    [Theory]
    [InlineData(nameof(LimitsOptions.MaxConcurrentRequests), 0)]
    [InlineData(nameof(LimitsOptions.MaxQueue), -1)]
    [InlineData(nameof(LimitsOptions.MaxPayloadBytes), 10)]
    [InlineData(nameof(LimitsOptions.MaxImagePixels), 0)]
    [InlineData(nameof(LimitsOptions.MaxConcurrentRuns), 0)]
    [InlineData(nameof(LimitsOptions.MaxBatchSize), -1)]
    [InlineData(nameof(LimitsOptions.MaxBatchSize), 257)]
    [InlineData(nameof(LimitsOptions.BatchDelayMilliseconds), -1)]
    [InlineData(nameof(LimitsOptions.BatchDelayMilliseconds), 1001)]
    public void Validate_LimitOutOfRange_NamesTheKey(string property, long value)
    {
        var options = new LimitsOptions();
        typeof(LimitsOptions).GetProperty(property)!.SetValue(options, Convert.ChangeType(value, typeof(LimitsOptions).GetProperty(property)!.PropertyType, System.Globalization.CultureInfo.InvariantCulture));

        AssertFails(new LimitsOptionsValidator().Validate(null, options).FailureMessage, $"Limits:{property}");
    }

    [Fact]
    public void Validate_MissingPackage_NamesTheKey() =>
        AssertFails(new ModelOptionsValidator().Validate(null, new ModelOptions { Path = "/no/such/package" }).FailureMessage, "Model:Path", "/no/such/package");

    [Theory]
    [InlineData("Model:Accelerator", "npu", "auto, gpu, cpu")]
    [InlineData("Model:GraphOptimization", "max", "all, extended, basic")]
    [InlineData("Model:IntraOpThreads", "many", "whole number")]
    [InlineData("Model:AllowSpinning", "yes", "true or false")]
    public void Bind_BadValue_NamesTheKeyTheValueAndWhatIsValid(string key, string value, string valid)
    {
        var message = string.Join(" ", Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => BindModel(key, value)).Failures);

        AssertFails(message, key, value, valid);
    }

    [Fact]
    public void Bind_KeyInAnotherCase_Binds() =>
        Assert.Equal("/pkg", BindModel("Model:path", "/pkg").Path);

    [Theory]
    [InlineData("Model:Acclerator", "Model:Accelerator")]
    [InlineData("Model:IntraOpThread", "Model:IntraOpThreads")]
    public void Bind_KeyTypo_RefusedWithTheNearestName(string key, string nearest)
    {
        var message = string.Join(" ", Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => BindModel(key, "cpu")).Failures);

        AssertFails(message, $"Unknown configuration key '{key}'", $"did you mean '{nearest}'");
    }

    [Fact]
    public void MisspelledSections_SectionTypo_NamesTheSectionMeant()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Modle:Path"] = "/x",
            ["PATH"] = "/usr/bin",
            ["Models:Default"] = "a",
        }).Build();

        var errors = StrictBinder.MisspelledSections(configuration, EdgeInference.Worker.Hosting.WorkerServiceCollectionExtensions.Sections);

        var error = Assert.Single(errors);
        AssertFails(error, "'Modle'", "did you mean 'Model'");
    }

    [Fact]
    public void BindRootKeys_UnknownTransport_Refused()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Transport"] = "http" }).Build();

        var message = string.Join(" ", Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => StrictBinder.BindRootKeys(configuration, new WorkerOptions())).Failures);

        AssertFails(message, "Transport", "http", "auto, ipc, mqtt");
    }

    [Fact]
    public void Bind_EmptyValue_KeepsTheDefault() =>
        Assert.Equal(EdgeInference.Core.Inference.Accelerator.Auto, BindModel("Model:Accelerator", "").Accelerator);

    [Fact]
    public void Resolve_ThingNamePlaceholder_IsReplacedInEveryTopic()
    {
        var topics = new TopicOptions().Resolve("press-3");

        Assert.Equal("edge-inference/press-3/infer", topics.Request);
        Assert.Equal("edge-inference/press-3/result", topics.Result);
        Assert.Equal("edge-inference/press-3/describe", topics.Describe);
        Assert.Equal("edge-inference/press-3/status", topics.Status);
        Assert.Equal("edge-inference/press-3/describe/reply", topics.DescribeReply);
    }

    [Fact]
    public void EffectiveThingName_Unset_FallsBackToLocalOrGreengrassThing()
    {
        var expected = Environment.GetEnvironmentVariable("AWS_IOT_THING_NAME") is { Length: > 0 } thing ? thing : "local";

        Assert.Equal(expected, new WorkerOptions().EffectiveThingName);
        Assert.Equal("given", new WorkerOptions { ThingName = "given" }.EffectiveThingName);
    }

    [Fact]
    public void Validate_BatchLargerThanRequestsInProgress_NamesBothKeys() =>
        AssertFails(new LimitsOptionsValidator().Validate(null, new LimitsOptions { MaxBatchSize = 8, MaxConcurrentRequests = 4 }).FailureMessage, "Limits:MaxBatchSize", "Limits:MaxConcurrentRequests");

    [Fact]
    public void Validate_BatchDelayNotANumber_Refused() =>
        AssertFails(new LimitsOptionsValidator().Validate(null, new LimitsOptions { BatchDelayMilliseconds = double.NaN }).FailureMessage, "Limits:BatchDelayMilliseconds");

    [Theory]
    [InlineData("line/1")]
    [InlineData("line+")]
    [InlineData("#")]
    public void Validate_SharedGroupWithTopicCharacters_NamesTheKey(string group) =>
        AssertFails(new MqttOptionsValidator().Validate(null, new MqttOptions { Host = "broker", SharedGroup = group }).FailureMessage, "Mqtt:SharedGroup");

    [Theory]
    [InlineData(-1, "edge-inference/{ThingName}/metrics", "Metrics:IntervalSeconds")]
    [InlineData(10, "edge-inference/+/metrics", "Metrics:Topic")]
    [InlineData(10, "", "Metrics:Topic")]
    public void Validate_MetricsOutOfRange_NamesTheKey(int interval, string topic, string key) =>
        AssertFails(new MetricsOptionsValidator().Validate(null, new MetricsOptions { IntervalSeconds = interval, Topic = topic }).FailureMessage, key);

    [Theory]
    [InlineData(0, "CPUExecutionProvider", 8, 1)]
    [InlineData(0, "CUDAExecutionProvider", 8, 2)]
    [InlineData(0, "CUDAExecutionProvider", 1, 1)]
    [InlineData(4, "CPUExecutionProvider", 8, 4)]
    [InlineData(4, "CPUExecutionProvider", 2, 2)]
    [InlineData(1, "CUDAExecutionProvider", 8, 1)]
    public void EffectiveMaxBatchSize_AutoBatchesOnGpuOnly_AndNeverBeyondTheModel(int configured, string provider, int model, int expected) =>
        Assert.Equal(expected, new LimitsOptions { MaxBatchSize = configured, MaxConcurrentRequests = configured == 0 ? 2 : 4 }.EffectiveMaxBatchSize(provider, model));

    [Theory]
    [InlineData(2, "CPUExecutionProvider", 1, 1)]
    [InlineData(2, "CPUExecutionProvider", 2, 2)]
    [InlineData(4, "CPUExecutionProvider", 2, 2)]
    [InlineData(1, "CPUExecutionProvider", 8, 1)]
    [InlineData(4, "CUDAExecutionProvider", 1, 4)]
    public void EffectiveMaxConcurrentRuns_OnCpu_NeverMoreThanTheCores(int configured, string provider, int cores, int expected) =>
        Assert.Equal(expected, new LimitsOptions { MaxConcurrentRuns = configured }.EffectiveMaxConcurrentRuns(provider, cores));

    private static ModelOptions BindModel(string key, string value)
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        return StrictBinder.Bind(configuration.GetSection("Model"), "Model", new ModelOptions());
    }

    private static void AssertFails(string? message, params string[] fragments)
    {
        Assert.NotNull(message);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, message, StringComparison.Ordinal);
        }
    }
}
