using MQTTnet;

namespace EdgeInference.Worker.Heads.Mqtt;

/// <summary>
/// The embedded broker's hand-over to the worker in the same process. Once the MQTT head attaches, a request published to
/// one of the worker's topics is dispatched inside the broker as it arrives, instead of being queued for the worker's own
/// MQTT connection, serialised again, sent over loopback and parsed a second time; the publisher's PUBACK goes out once
/// the request is accepted (queued) or answered. Replies go the other way: handed to the broker, which routes them to
/// their subscribers, with no loopback hop.
/// </summary>
internal sealed class EmbeddedBrokerIntake
{
    private volatile Func<MqttApplicationMessage, Task<bool>>? _handler;
    private volatile Func<MqttApplicationMessage, Task>? _deliver;
    private readonly TimeProvider _time;
    private long _lastDelivery;

    public EmbeddedBrokerIntake(TimeProvider time) => _time = time;

    /// <summary>When the last reply was handed to the broker (a <see cref="TimeProvider"/> timestamp; 0: never).</summary>
    public long LastDelivery => Interlocked.Read(ref _lastDelivery);

    /// <summary>From now on, every message another client publishes is offered to <paramref name="handler"/>, which takes it (true) when it is on one of the worker's topics.</summary>
    public void Attach(Func<MqttApplicationMessage, Task<bool>> handler) => _handler = handler;

    /// <summary>From now on, messages are routed by subscription again (the worker has none then, so they reach no one).</summary>
    public void Detach() => _handler = null;

    /// <summary>The attached handler, when there is one.</summary>
    public bool TryGetHandler(out Func<MqttApplicationMessage, Task<bool>> handler)
    {
        handler = _handler!;
        return handler is not null;
    }

    /// <summary>Called by the broker while it runs (<paramref name="deliver"/>) and when it stops (null).</summary>
    public void SetDelivery(Func<MqttApplicationMessage, Task>? deliver) => _deliver = deliver;

    /// <summary>Publishes <paramref name="message"/> as the worker, inside the broker; false when the broker is not running.</summary>
    public async Task<bool> TryDeliverAsync(MqttApplicationMessage message)
    {
        if (_deliver is not { } deliver)
        {
            return false;
        }

        await deliver(message).ConfigureAwait(false);
        Interlocked.Exchange(ref _lastDelivery, _time.GetTimestamp());
        return true;
    }
}
