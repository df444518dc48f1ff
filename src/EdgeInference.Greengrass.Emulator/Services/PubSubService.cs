using System.Text.Json;
using EdgeInference.Greengrass.Emulator.Authorization;
using EdgeInference.Greengrass.Emulator.Rpc;
using EdgeInference.Greengrass.Ipc.Model;

namespace EdgeInference.Greengrass.Emulator.Services;

/// <summary>
/// Local publish/subscribe between components (PubSubIPCEventStreamAgent): MQTT-style filters, receive modes, and
/// message kinds passed through unchanged with <c>context.topic</c> set to the published topic.
/// </summary>
internal sealed class PubSubService
{
    private static readonly string EventShape = IpcOperations.SubscribeToTopic.EventShape;
    private readonly Lock _sync = new();
    private readonly List<Subscriber> _subscribers = [];

    public int SubscriberCount
    {
        get
        {
            lock (_sync)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Adds a subscriber; dispose the result to remove it.</summary>
    public IDisposable Subscribe(string componentName, string filter, ReceiveMode mode, ServerStream stream)
    {
        var subscriber = new Subscriber(this, componentName, filter, mode, stream);
        lock (_sync)
        {
            _subscribers.Add(subscriber);
        }

        return subscriber;
    }

    /// <summary>Delivers a message to every matching subscriber.</summary>
    /// <returns>How many subscribers it was sent to.</returns>
    public async Task<int> PublishAsync(string sourceComponent, string topic, PublishMessage message, CancellationToken cancellationToken = default)
    {
        var context = new MessageContext { Topic = topic };
        var item = message.JsonMessage is { } json
            ? new SubscriptionResponseMessage { JsonMessage = new JsonMessage { Message = json.Message, Context = context } }
            : new SubscriptionResponseMessage { BinaryMessage = new BinaryMessage { Message = message.BinaryMessage?.Message ?? [], Context = context } };
        var payload = JsonSerializer.SerializeToUtf8Bytes(item, IpcJsonContext.Default.SubscriptionResponseMessage);
        return await PublishEventAsync(sourceComponent, topic, payload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Delivers an event already written (<c>SubscriptionResponseMessage</c> JSON) to every matching subscriber.</summary>
    /// <returns>How many subscribers it was sent to.</returns>
    public async Task<int> PublishEventAsync(string sourceComponent, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        Subscriber[] targets;
        lock (_sync)
        {
            targets = [.. _subscribers.Where(s => s.Accepts(sourceComponent, topic))];
        }

        var delivered = 0;
        foreach (var target in targets)
        {
            if (await target.Stream.SendEventAsync(EventShape, payload, cancellationToken).ConfigureAwait(false))
            {
                delivered++;
            }
        }

        return delivered;
    }

    private sealed class Subscriber(PubSubService owner, string componentName, string filter, ReceiveMode mode, ServerStream stream) : IDisposable
    {
        public ServerStream Stream { get; } = stream;

        public bool Accepts(string sourceComponent, string topic) =>
            !(mode == ReceiveMode.ReceiveMessagesFromOthers && string.Equals(sourceComponent, componentName, StringComparison.Ordinal))
            && TopicFilter.Matches(filter, topic);

        public void Dispose()
        {
            lock (owner._sync)
            {
                owner._subscribers.Remove(this);
            }
        }
    }
}
