using EdgeInference.Worker.Requests;
using EdgeInference.Worker.Status;

namespace EdgeInference.Worker.Heads;

/// <summary>
/// A transport the worker serves on (MQTT, Greengrass IPC). Only the selected one is constructed; <see cref="HeadService"/>
/// drives it through the host's lifecycle: connect (so STARTING can be said), start intake once the models are warm,
/// stop intake on shutdown, disconnect when accepted requests have been answered. Every message it receives goes to the
/// <see cref="RequestDispatcher"/>; replies come back through <see cref="IReplySender.SendAsync"/>.
/// </summary>
public interface IRequestHead : IStatusPublisher, IReplySender, IAsyncDisposable
{
    /// <summary><c>mqtt</c> or <c>ipc</c>.</summary>
    string Transport { get; }

    Task ConnectAsync(CancellationToken cancellationToken = default);

    Task StartIntakeAsync(CancellationToken cancellationToken = default);

    Task StopIntakeAsync(CancellationToken cancellationToken = default);

    Task DisconnectAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes one metrics report (QoS 0, never retained): the JSON on its topic, and under Greengrass IPC the
    /// CloudWatch metrics component's messages on its local topic. Failures are logged, never thrown.
    /// </summary>
    Task PublishMetricsAsync(Metrics.MetricsMessages metrics, CancellationToken cancellationToken = default);
}
