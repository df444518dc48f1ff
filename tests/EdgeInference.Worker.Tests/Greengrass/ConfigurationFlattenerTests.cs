using System.Text.Json.Nodes;
using EdgeInference.Worker.Greengrass;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace EdgeInference.Worker.Tests.Greengrass;

public sealed class ConfigurationFlattenerTests
{
    private static JsonObject RecipeLike() => JsonNode.Parse("""
        {
          "Model": { "Path": "/models/grey", "Accelerator": "cpu", "IntraOpThreads": "3" },
          "Limits": { "MaxQueue": 7, "MaxPayloadBytes": "4096" },
          "Mqtt": { "Tls": { "Enabled": false } },
          "Transport": "ipc",
          "ModelPackagingDescription": { "JobName": "job-1", "ModelVersion": "4", "Tags": ["a", "b"] },
          "Empty": {},
          "Nothing": null,
          "accessControl": { "aws.greengrass.ipc.pubsub": { "p:1": { "operations": ["*"], "resources": ["*"] } } }
        }
        """)!.AsObject();

    [Fact]
    public void Flatten_NestedObjectsArraysAndScalars_BecomeColonKeys()
    {
        var data = ConfigurationFlattener.Flatten(RecipeLike());

        Assert.Equal("/models/grey", data["Model:Path"]);
        Assert.Equal("3", data["Model:IntraOpThreads"]);
        Assert.Equal("7", data["Limits:MaxQueue"]);
        Assert.Equal("false", data["Mqtt:Tls:Enabled"]);
        Assert.Equal("ipc", data["transport"]);
        Assert.Equal("b", data["ModelPackagingDescription:Tags:1"]);
        Assert.True(data.ContainsKey("Empty"));
        Assert.Null(data["Nothing"]);
    }

    [Fact]
    public void Flatten_AccessControl_IsSkipped() =>
        Assert.DoesNotContain(ConfigurationFlattener.Flatten(RecipeLike()).Keys, k => k.StartsWith("accessControl", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void Flatten_Null_IsEmpty() => Assert.Empty(ConfigurationFlattener.Flatten(null));

    [Fact]
    public void Flatten_Result_BindsTheWorkerOptions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(ConfigurationFlattener.Flatten(RecipeLike())).Build();

        var model = configuration.GetSection(ModelOptions.SectionName).Get<ModelOptions>()!;
        var limits = configuration.GetSection(LimitsOptions.SectionName).Get<LimitsOptions>()!;
        var mqtt = configuration.GetSection(MqttOptions.SectionName).Get<MqttOptions>()!;

        Assert.Equal("/models/grey", model.Path);
        Assert.Equal(3, model.IntraOpThreads);
        Assert.Equal(7, limits.MaxQueue);
        Assert.Equal(4096, limits.MaxPayloadBytes);
        Assert.False(mqtt.Tls.Enabled);
    }
}
