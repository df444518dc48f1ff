using System.Net;
using System.Net.Sockets;
using Xunit;

namespace EdgeInference.Bench.Tests;

/// <summary>The mosquitto <c>bench --transport all</c> starts (a real one, on a free loopback port; tests/run.sh installs it).</summary>
public sealed class ExternalBrokerTests
{
    [Fact]
    public async Task StartAsync_MosquittoInstalled_ListensUntilDisposed()
    {
        var token = TestContext.Current.CancellationToken;

        var broker = await ExternalBroker.StartAsync(TimeSpan.FromSeconds(30), token);
        await using (broker)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, broker.Port, token);
            Assert.True(client.Connected);
        }

        using var after = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(async () => await after.ConnectAsync(IPAddress.Loopback, broker.Port, token));
    }
}
