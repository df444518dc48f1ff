using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using EdgeInference.Core.Inference;
using EdgeInference.Worker.Hosting;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Requests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Worker.Tests.Fakes;

/// <summary>
/// The worker's real service graph (as the host builds it) with the engine loader replaced by <see cref="FakeEngineLoader"/>
/// and no hosted service started: the request path end to end, no sockets, no ONNX Runtime.
/// </summary>
internal sealed class WorkerServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private WorkerServices(ServiceProvider provider, FakeEngineLoader loader)
    {
        _provider = provider;
        Loader = loader;
    }

    public FakeEngineLoader Loader { get; }

    public RequestDispatcher Dispatcher => _provider.GetRequiredService<RequestDispatcher>();

    public ModelCatalog Catalog => _provider.GetRequiredService<ModelCatalog>();

    public ModelManager Models => _provider.GetRequiredService<ModelManager>();

    public RecordingSender Sender { get; } = new();

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public static async Task<WorkerServices> StartAsync(IDictionary<string, string?> settings, CancellationToken cancellationToken = default)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ThingName"] = "t", ["Transport"] = "mqtt", ["Mqtt:Host"] = "127.0.0.1" })
            .AddInMemoryCollection(settings)
            .Build();
        var loader = new FakeEngineLoader();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddEdgeInferenceWorker(configuration);
        services.AddSingleton<IInferenceEngineLoader>(loader);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var worker = new WorkerServices(provider, loader);
        await worker.Models.StartAsync(cancellationToken);
        worker.Get<RequestQueue>().Start();
        return worker;
    }

    /// <summary>Dispatches one message as a head would, and waits for its reply.</summary>
    public async Task<(OutgoingReply Reply, JsonElement Json)> RequestAsync(
        string topic, byte[] payload, string? responseTopic = null, string? model = null, CancellationToken cancellationToken = default)
    {
        var before = Sender.Count;
        await Dispatcher.DispatchAsync(
            new IncomingMessage { Channel = MessageChannel.Mqtt, Topic = topic, Payload = new ReadOnlySequence<byte>(payload), ResponseTopic = responseTopic, ModelProperty = model },
            Sender,
            cancellationToken);
        var reply = await Sender.NextAsync(before, cancellationToken);
        return (reply, JsonDocument.Parse(reply.Json).RootElement.Clone());
    }

    public static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
    }

    /// <summary>Keeps every reply; a test waits for the n-th.</summary>
    internal sealed class RecordingSender : IReplySender
    {
        private readonly ConcurrentQueue<OutgoingReply> _replies = new();
        private readonly SemaphoreSlim _arrived = new(0);

        public int Count => _replies.Count;

        public IReadOnlyList<OutgoingReply> Replies => [.. _replies];

        public Task<bool> SendAsync(OutgoingReply reply, CancellationToken cancellationToken = default)
        {
            _replies.Enqueue(reply);
            _arrived.Release();
            return Task.FromResult(true);
        }

        /// <summary>The reply after the first <paramref name="skip"/> ones (bounded wait: 10 s, then the test fails).</summary>
        public async Task<OutgoingReply> NextAsync(int skip, CancellationToken cancellationToken)
        {
            for (var attempt = 0; attempt < 100 && _replies.Count <= skip; attempt++)
            {
                await _arrived.WaitAsync(TimeSpan.FromMilliseconds(100), cancellationToken);
            }

            return _replies.ElementAtOrDefault(skip) ?? throw new TimeoutException($"No reply #{skip + 1} arrived.");
        }
    }
}
