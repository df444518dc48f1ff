using System.Globalization;
using System.Net.Sockets;
using EdgeInference.Testing;
using EdgeInference.Worker.Tests.Fixtures;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Xunit;

namespace EdgeInference.Worker.Tests.Heads.Mqtt;

/// <summary>The embedded broker as an attacker or a careless client meets it: size limit, credentials, the worker's own topics, where it listens.</summary>
[Collection(SerialCollection.Name)]
public sealed class EmbeddedBrokerTests
{
    private const string RequestTopic = "edge-inference/test/infer";
    private const string StatusTopic = "edge-inference/test/status";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Publish_Mqtt5OverTheLimit_DisconnectedWithPacketTooLarge_AndTheNextRequestIsServed()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?> { ["Limits:MaxPayloadBytes"] = "100000" }, Token);
        await using var flooder = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);

        await Assert.ThrowsAnyAsync<Exception>(() => flooder.PublishAsync(RequestTopic, new byte[400_000], cancellationToken: Token));
        var disconnected = await flooder.Disconnected.WaitAsync(TimeSpan.FromSeconds(30), Token);

        Assert.Equal(MqttClientDisconnectReason.PacketTooLarge, disconnected.Reason);
        Assert.Contains("Limits:MaxPayloadBytes", disconnected.ReasonString, StringComparison.Ordinal);
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);
        var reply = await client.RequestAsync(RequestTopic, TestImages.Solid(20, 20, (255, 0, 0)), Token);
        Assert.Equal("red", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
    }

    [Fact]
    public async Task Publish_HeaderClaiming200MB_IsRefusedBeforeTheBrokerBuffersIt()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?>(), Token);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", worker.Port, Token);
        byte[] connect = [0x10, 12, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0x02, 0, 60, 0, 0];
        await socket.SendAsync(connect, Token);
        var connAck = new byte[4];
        Assert.Equal(4, await socket.ReceiveAsync(connAck, Token));
        Assert.Equal(0x20, connAck[0]);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        // PUBLISH, remaining length 200,000,000 (variable byte integer), then the first bytes of its body.
        byte[] header = [0x30, 0x80, 0x84, 0xAF, 0x5F];
        await socket.SendAsync(header, Token);
        try
        {
            await socket.SendAsync(new byte[64 * 1024], Token);
        }
        catch (SocketException)
        {
            // The broker may have closed the connection already.
        }

        var read = await ReceiveUntilClosedAsync(socket);

        Assert.Equal(0, read);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore < 50_000_000, "The broker allocated the declared packet.");
    }

    [Fact]
    public async Task Connect_WithConfiguredCredentials_OnlyThoseClientsGetIn()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?> { ["Mqtt:Username"] = "operator", ["Mqtt:Password"] = "s3cret" }, Token);

        var anonymous = await Assert.ThrowsAnyAsync<Exception>(() => TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token));
        var wrong = await Assert.ThrowsAnyAsync<Exception>(() => TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token, userName: "operator", password: "guess"));
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token, userName: "operator", password: "s3cret");

        Assert.Contains("BadUserNameOrPassword", anonymous.ToString(), StringComparison.Ordinal);
        Assert.Contains("BadUserNameOrPassword", wrong.ToString(), StringComparison.Ordinal);
        var reply = await client.RequestAsync(RequestTopic, TestImages.Solid(20, 20, (0, 0, 255)), Token);
        Assert.Equal("blue", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
    }

    [Fact]
    public async Task Connect_AsTheWorkersClientId_IsRefused_AndTheWorkerKeepsServing()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?>(), Token);

        var impostor = await Assert.ThrowsAnyAsync<Exception>(() => TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token, clientId: "edge-inference-test"));

        Assert.Contains("NotAuthorized", impostor.ToString(), StringComparison.Ordinal);
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);
        var reply = await client.RequestAsync(RequestTopic, TestImages.Solid(20, 20, (0, 200, 0)), Token);
        Assert.Equal("green", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
    }

    [Fact]
    public async Task Publish_RetainedOnTheStatusTopicByAClient_IsRefused_AndStatusStaysRunning()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?>(), Token);
        await using var attacker = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);

        var result = await attacker.PublishAsync(StatusTopic, """{"Status":"FAILED"}"""u8.ToArray(), cancellationToken: Token, retain: true);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        await using var observer = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);
        await observer.SubscribeAsync(StatusTopic, Token);
        var status = TestMqttClient.Json(await observer.WaitAsync(m => m.Topic == StatusTopic && m.Retain, cancellationToken: Token));
        Assert.Equal("RUNNING", status.GetProperty("Status").GetString());
    }

    [Fact]
    public async Task Publish_RequestOnTheEmbeddedBroker_IsTakenInsideTheBroker_AcknowledgedAndAnsweredOnce()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?>(), Token);
        await using var observer = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);
        await observer.SubscribeAsync("#", Token);
        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);
        await client.SubscribeAsync("test/replies/taken", Token);

        var acknowledged = await client.PublishAsync(RequestTopic, TestImages.Solid(20, 20, (255, 0, 0)), "test/replies/taken", [7], Token);

        // Success, not "no matching subscribers": the worker took the request before the PUBACK.
        Assert.Equal(MqttClientPublishReasonCode.Success, acknowledged.ReasonCode);
        var reply = TestMqttClient.Json(await client.WaitAsync(m => m.Topic == "test/replies/taken", cancellationToken: Token));
        Assert.Equal("red", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
        // A forwarded request would reach the observer before the reply it caused: the first of the two it sees is the reply.
        var first = await observer.WaitAsync(m => m.Topic is RequestTopic or "test/replies/taken", cancellationToken: Token);
        Assert.Equal("test/replies/taken", first.Topic);
    }

    [Fact]
    public async Task Listen_OnTheLoopbackDefault_OnlyLoopbackAddressesAreBound()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?>(), Token);

        var listening = ListeningAddresses(worker.Port);

        Assert.NotEmpty(listening);
        Assert.All(listening, address => Assert.True(System.Net.IPAddress.IsLoopback(address), $"Also listening on {address}."));
    }

    [Fact]
    public async Task Publish_WithMosquittoPubOverTheLimit_FailsAndTheWorkerServesTheNext()
    {
        await using var worker = await InProcessWorker.StartAsync(new Dictionary<string, string?> { ["Limits:MaxPayloadBytes"] = "100000" }, Token);
        var big = Path.Combine(Path.GetTempPath(), $"big-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(big, new byte[1_000_000], Token);
        try
        {
            var run = await ExternalTool.RunAsync(
                "mosquitto_pub", ["-h", "127.0.0.1", "-p", worker.Port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5", "-q", "1", "-t", RequestTopic, "-f", big], Token);

            Assert.True(run.ExitCode != 0, $"mosquitto_pub exited 0: {run.Stdout}{run.Stderr}");
        }
        finally
        {
            File.Delete(big);
        }

        await using var client = await TestMqttClient.ConnectAsync(worker.Port, cancellationToken: Token);
        var reply = await client.RequestAsync(RequestTopic, TestImages.Solid(20, 20, (255, 0, 0)), Token);
        Assert.Equal("red", reply.GetProperty("Classifications")[0].GetProperty("Label").GetString());
    }

    private static async Task<int> ReceiveUntilClosedAsync(Socket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var buffer = new byte[256];
        try
        {
            for (var reads = 0; reads < 100; reads++)
            {
                var read = await socket.ReceiveAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    return 0;
                }
            }
        }
        catch (SocketException)
        {
            return 0;
        }

        return -1;
    }

    /// <summary>The addresses listening on <paramref name="port"/>, from the kernel's socket tables.</summary>
    private static List<System.Net.IPAddress> ListeningAddresses(int port)
    {
        var addresses = new List<System.Net.IPAddress>();
        foreach (var (file, width) in new[] { ("/proc/net/tcp", 8), ("/proc/net/tcp6", 32) })
        {
            if (!File.Exists(file))
            {
                continue;
            }

            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1].Split(':');
                if (fields[3] != "0A" || int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) != port || local[0].Length != width)
                {
                    continue;
                }

                // /proc prints each 32-bit word of the address in host (little-endian) order.
                var bytes = Convert.FromHexString(local[0]);
                for (var word = 0; word < bytes.Length; word += 4)
                {
                    Array.Reverse(bytes, word, 4);
                }

                addresses.Add(new System.Net.IPAddress(bytes));
            }
        }

        return addresses;
    }
}
