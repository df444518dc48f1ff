using Amazon.Runtime;
using EdgeInference.Aws;
using EdgeInference.Aws.Sts;
using EdgeInference.Testing;
using EdgeInference.Testing.Aws;
using Xunit;

namespace EdgeInference.Aws.Tests.Sts;

[Collection(ProcessTests.Collection)]
public sealed class StsAccountResolverTests(MotoServer moto) : IClassFixture<MotoServer>
{
    [Fact]
    public async Task GetAccountIdAsync_MotoSts_ReturnsCallerAccount()
    {
        moto.RequireRunning();

        var account = await StsAccountResolver.GetAccountIdAsync("us-east-1", new BasicAWSCredentials("AKIDTEST", "secret"), moto.Url, TestContext.Current.CancellationToken);

        Assert.Equal(MotoServer.Account, account);
    }

    [Fact]
    public async Task GetAccountIdAsync_NothingListening_ThrowsUnreachable()
    {
        var endpoint = $"http://127.0.0.1:{ExternalServer.FreePort()}";

        var error = await Assert.ThrowsAsync<AwsEndpointUnreachableException>(() =>
            StsAccountResolver.GetAccountIdAsync("us-east-1", new BasicAWSCredentials("AKIDTEST", "secret"), endpoint, TestContext.Current.CancellationToken));

        Assert.Equal("STS", error.Service);
    }
}
