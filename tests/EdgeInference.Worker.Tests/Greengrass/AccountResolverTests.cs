using Amazon.Runtime;
using EdgeInference.Worker.Greengrass;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace EdgeInference.Worker.Tests.Greengrass;

public sealed class AccountResolverTests
{
    private static readonly Dictionary<string, string> Greengrass = new() { ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://localhost:1/2016-11-01/credentialprovider/" };

    [Fact]
    public async Task GetAccount_Configured_IsTheConfiguredOneWithoutAskingSts()
    {
        var asked = 0;
        var resolver = Resolver(new GreengrassOptions { AccountId = "111122223333" }, (_, _, _) => { asked++; return Task.FromResult<string?>("999999999999"); });

        Assert.Equal("111122223333", await resolver.GetAccountAsync());
        Assert.Equal("111122223333", resolver.AccountIfKnown);
        Assert.Equal(0, asked);
    }

    [Fact]
    public async Task GetAccount_FromSts_AskedOnceWithTheRegionAndEndpoint()
    {
        var calls = new List<(string Region, string? Endpoint)>();
        var resolver = Resolver(new GreengrassOptions { Region = "eu-central-1", StsEndpoint = "http://127.0.0.1:5000" }, (region, endpoint, _) =>
        {
            calls.Add((region, endpoint));
            return Task.FromResult<string?>("123456789012");
        });

        Assert.Equal("123456789012", await resolver.GetAccountAsync());
        Assert.Equal("123456789012", await resolver.GetAccountAsync());
        Assert.Equal([("eu-central-1", (string?)"http://127.0.0.1:5000")], calls);
    }

    [Fact]
    public async Task GetAccount_TokenExchangeServiceWithoutCredentials_IsNullAfterTheRetries_AndNeverThrows()
    {
        // What the emulator's (and an offline nucleus's) token exchange service answers: HTTP 500, as the SDK reports it.
        var time = new FakeTimeProvider();
        var attempts = 0;
        var resolver = Resolver(new GreengrassOptions { Region = "us-east-1" }, (_, _, _) =>
        {
            attempts++;
            throw new AmazonServiceException("Unable to retrieve credentials. Message = \"Response status code does not indicate success: 500 (Internal Server Error).\"");
        }, time);

        var account = resolver.GetAccountAsync();
        for (var i = 0; i < 500 && !account.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        Assert.Null(await account);
        Assert.Equal(5, attempts);
    }

    [Fact]
    public async Task GetAccount_AnUnexpectedFailure_IsNullNotACrash()
    {
        var resolver = Resolver(new GreengrassOptions { Region = "us-east-1" }, (_, _, _) => throw new InvalidCastException("the SDK surprised us"));

        Assert.Null(await resolver.GetAccountAsync());
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("us-east-1", false)]
    public async Task GetAccount_NoRegionOrNoCredentials_IsNullWithoutAskingSts(string? region, bool withCredentials)
    {
        var asked = 0;
        var resolver = new AccountResolver(
            MsOptions.Create(new GreengrassOptions { Region = region }),
            TimeProvider.System,
            NullLogger<AccountResolver>.Instance,
            (_, _, _) => { asked++; return Task.FromResult<string?>("123456789012"); },
            name => withCredentials ? Greengrass.GetValueOrDefault(name) : null);

        if (region is null && Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 })
        {
            Assert.Skip("AWS_REGION is set in this environment.");
        }

        Assert.Null(await resolver.GetAccountAsync());
        Assert.Equal(0, asked);
    }

    private static AccountResolver Resolver(GreengrassOptions options, Func<string, string?, CancellationToken, Task<string?>> askSts, TimeProvider? time = null) =>
        new(MsOptions.Create(options), time ?? TimeProvider.System, NullLogger<AccountResolver>.Instance, askSts, name => Greengrass.GetValueOrDefault(name));
}
