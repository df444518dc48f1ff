using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Ipc;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Fakes;

/// <summary>A started <see cref="NucleusEmulator"/> on a socket in a fresh temp folder, plus helpers to register components and connect clients.</summary>
public sealed class EmulatorHarness : IAsyncDisposable
{
    private readonly List<GreengrassIpcClient> _clients = [];

    private EmulatorHarness(string folder, NucleusEmulator emulator)
    {
        Folder = folder;
        Emulator = emulator;
    }

    public string Folder { get; }

    public NucleusEmulator Emulator { get; }

    public static async Task<EmulatorHarness> StartAsync(Action<NucleusEmulatorOptions>? configure = null)
    {
        var folder = Directory.CreateTempSubdirectory("gge-").FullName;
        var options = new NucleusEmulatorOptions { SocketPath = Path.Combine(folder, "ipc.socket"), ThingName = "test-core" };
        configure?.Invoke(options);
        var emulator = new NucleusEmulator(options);
        await emulator.StartAsync(TestContext.Current.CancellationToken);
        return new EmulatorHarness(folder, emulator);
    }

    /// <summary>An accessControl block granting <paramref name="operations"/> on <paramref name="resources"/> under one IPC service.</summary>
    public static JsonObject Policy(string component, string service, string[] operations, params string[] resources) => new()
    {
        ["accessControl"] = new JsonObject
        {
            [service] = new JsonObject
            {
                [$"{component}:{service}:1"] = new JsonObject
                {
                    ["policyDescription"] = "test policy",
                    ["operations"] = new JsonArray([.. operations.Select(o => (JsonNode)o)]),
                    ["resources"] = new JsonArray([.. resources.Select(r => (JsonNode)r)]),
                },
            },
        },
    };

    public GreengrassIpcOptions ClientOptions(string authToken) => new()
    {
        SocketPath = Emulator.SocketPath,
        AuthToken = authToken,
        AutoReconnect = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Registers <paramref name="component"/> and returns a connected client for it.</summary>
    public async Task<GreengrassIpcClient> ConnectAsync(string component, JsonObject? configuration = null)
    {
        var registration = Emulator.AddComponent(component, configuration);
        var client = new GreengrassIpcClient(ClientOptions(registration.AuthToken));
        _clients.Add(client);
        await client.ConnectAsync(TestContext.Current.CancellationToken);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await Emulator.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>Bounded waits for tests.</summary>
public static class Bounded
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task<T> ReadAsync<T>(System.Threading.Channels.ChannelReader<T> reader, TimeSpan? timeout = null)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(timeout ?? Timeout);
        return await reader.ReadAsync(bound.Token);
    }

    /// <summary>True when nothing arrives within <paramref name="window"/>.</summary>
    public static async Task<bool> StaysEmptyAsync<T>(System.Threading.Channels.ChannelReader<T> reader, TimeSpan window)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(window);
        try
        {
            await reader.WaitToReadAsync(bound.Token);
            return false;
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return true;
        }
    }
}
