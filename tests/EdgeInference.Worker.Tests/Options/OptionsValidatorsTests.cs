using EdgeInference.Testing;
using EdgeInference.Worker.Options;
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
        Assert.True(new WorkerOptionsValidator().Validate(null, new WorkerOptions()).Succeeded);
        Assert.True(new ModelOptionsValidator().Validate(null, new ModelOptions { Path = TestModels.ColorClassifier }).Succeeded);
    }

    [Theory]
    [InlineData(0, "Mqtt:Port")]
    [InlineData(65536, "Mqtt:Port")]
    public void Validate_PortOutOfRange_NamesTheKey(int port, string key) =>
        AssertFails(new MqttOptionsValidator().Validate(null, new MqttOptions { Port = port }).FailureMessage, key, port.ToString(System.Globalization.CultureInfo.InvariantCulture));

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
    public void Validate_LimitOutOfRange_NamesTheKey(string property, long value)
    {
        var options = new LimitsOptions();
        typeof(LimitsOptions).GetProperty(property)!.SetValue(options, Convert.ChangeType(value, typeof(LimitsOptions).GetProperty(property)!.PropertyType, System.Globalization.CultureInfo.InvariantCulture));

        AssertFails(new LimitsOptionsValidator().Validate(null, options).FailureMessage, $"Limits:{property}");
    }

    [Fact]
    public void Validate_UnknownAcceleratorAndMissingPackage_NamesBothKeys()
    {
        var message = new ModelOptionsValidator().Validate(null, new ModelOptions { Accelerator = "npu", Path = "/no/such/package" }).FailureMessage;

        AssertFails(message, "Model:Accelerator", "npu");
        AssertFails(message, "Model:Path", "/no/such/package");
    }

    [Fact]
    public void Validate_UnknownGraphOptimization_NamesTheKey() =>
        AssertFails(new ModelOptionsValidator().Validate(null, new ModelOptions { Path = TestModels.ColorClassifier, GraphOptimization = "max" }).FailureMessage, "Model:GraphOptimization", "max");

    [Fact]
    public void Validate_UnknownTransport_Refused() =>
        AssertFails(new WorkerOptionsValidator().Validate(null, new WorkerOptions { Transport = "http" }).FailureMessage, "Transport", "http");

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

    private static void AssertFails(string? message, params string[] fragments)
    {
        Assert.NotNull(message);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, message, StringComparison.Ordinal);
        }
    }
}
