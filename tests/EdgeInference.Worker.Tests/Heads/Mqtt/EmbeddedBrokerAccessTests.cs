using System.Text;
using EdgeInference.Worker.Heads.Mqtt;
using EdgeInference.Worker.Options;
using MQTTnet.Protocol;
using Xunit;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace EdgeInference.Worker.Tests.Heads.Mqtt;

public sealed class EmbeddedBrokerAccessTests
{
    [Fact]
    public void Check_WithoutConfiguredCredentials_AcceptsAnonymousClients()
    {
        var access = Access(userName: null, password: null);

        Assert.Equal(MqttConnectReasonCode.Success, access.Check("camera-1", null, []));
        Assert.False(access.RequiresCredentials);
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("operator", "wrong")]
    [InlineData("operato", "s3cret")]
    [InlineData("operator", "s3cret ")]
    public void Check_WithConfiguredCredentials_RefusesAnythingElse(string? userName, string password)
    {
        var access = Access("operator", "s3cret");

        Assert.Equal(MqttConnectReasonCode.BadUserNameOrPassword, access.Check("camera-1", userName, Encoding.UTF8.GetBytes(password)));
    }

    [Fact]
    public void Check_WithConfiguredCredentials_AcceptsThem()
    {
        var access = Access("operator", "s3cret");

        Assert.Equal(MqttConnectReasonCode.Success, access.Check("camera-1", "operator", "s3cret"u8));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("operator", "s3cret")]
    public void Check_TheWorkersClientIdWithoutItsSecret_IsNotAuthorized(string? userName, string? password)
    {
        var access = Access("operator", "s3cret");

        Assert.Equal(MqttConnectReasonCode.NotAuthorized, access.Check(access.WorkerClientId, userName, Encoding.UTF8.GetBytes(password ?? string.Empty)));
        Assert.Equal(MqttConnectReasonCode.NotAuthorized, access.Check("other", access.WorkerUserName, "guess"u8));
    }

    [Fact]
    public void Check_TheWorkerWithItsSecret_IsAccepted()
    {
        var access = Access("operator", "s3cret");

        Assert.Equal(MqttConnectReasonCode.Success, access.Check(access.WorkerClientId, access.WorkerUserName, Encoding.UTF8.GetBytes(access.WorkerPassword)));
        Assert.NotEqual(Access(null, null).WorkerPassword, access.WorkerPassword);
    }

    [Theory]
    [InlineData("edge-inference/plant-7/status")]
    [InlineData("edge-inference/plant-7/result")]
    [InlineData("edge-inference/plant-7/describe/reply")]
    [InlineData("edge-inference/plant-7/models/weld/result")]
    [InlineData("edge-inference/plant-7/metrics")]
    public void MayPublish_OthersOnTheWorkersOwnTopics_IsRefused(string topic)
    {
        var access = Access(null, null);

        Assert.False(access.MayPublish("camera-1", topic));
        Assert.True(access.MayPublish(access.WorkerClientId, topic));
    }

    [Theory]
    [InlineData("edge-inference/plant-7/infer")]
    [InlineData("edge-inference/plant-7/models/weld/infer")]
    [InlineData("edge-inference/plant-7/describe")]
    [InlineData("cameras/1/replies")]
    [InlineData("edge-inference/plant-7/status/extra")]
    public void MayPublish_RequestsAndOtherTopics_IsAllowed(string topic) =>
        Assert.True(Access(null, null).MayPublish("camera-1", topic));

    private static EmbeddedBrokerAccess Access(string? userName, string? password) => new(
        MsOptions.Create(new MqttOptions { Username = userName, Password = password }),
        MsOptions.Create(new WorkerOptions { ThingName = "plant-7" }),
        MsOptions.Create(new TopicOptions()),
        MsOptions.Create(new MetricsOptions()));
}
