using System.Diagnostics;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Heads;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Metrics;

/// <summary>
/// Every <c>Metrics:IntervalSeconds</c> (a <see cref="PeriodicTimer"/> on the host's <see cref="TimeProvider"/>) ends
/// the metrics interval and publishes its report through the head; off with 0. Publishing is one small QoS 0 message
/// (plus the CloudWatch component's under IPC) per interval.
/// </summary>
public sealed class MetricsPublisher : BackgroundService
{
    private readonly WorkerMetrics _metrics;
    private readonly WorkerState _state;
    private readonly IRequestHead _head;
    private readonly MetricsOptions _options;
    private readonly string _thingName;
    private readonly bool _cloudWatch;
    private readonly TimeProvider _time;
    private readonly ILogger<MetricsPublisher> _logger;
    private long _intervalStarted;
    private PeriodicTimer? _timer;

    public MetricsPublisher(
        WorkerMetrics metrics, WorkerState state, IRequestHead head, IOptions<MetricsOptions> options, IOptions<WorkerOptions> worker,
        Hosting.WorkerTransport transport, TimeProvider time, ILogger<MetricsPublisher> logger)
    {
        _metrics = metrics;
        _state = state;
        _head = head;
        _options = options.Value;
        _thingName = worker.Value.EffectiveThingName;
        _cloudWatch = transport.UsesIpc && !string.IsNullOrEmpty(_options.CloudWatchTopic);
        _time = time;
        _logger = logger;
    }

    /// <summary>Ends the interval now and shapes its report (what the timer does each tick).</summary>
    public MetricsMessages TakeReport()
    {
        var now = _time.GetTimestamp();
        var seconds = Math.Max(1e-3, _time.GetElapsedTime(Interlocked.Exchange(ref _intervalStarted, now), now).TotalSeconds);
        var sample = _metrics.TakeInterval();
        using var process = Process.GetCurrentProcess();
        var status = _state.Current;
        var report = new MetricsReport
        {
            ThingName = _thingName,
            Timestamp = _time.GetUtcNow(),
            IntervalSeconds = Math.Round(seconds, 3),
            Status = status.Status,
            ExecutionProvider = status.ExecutionProvider,
            Requests = sample.Requests,
            Succeeded = sample.Succeeded,
            RequestsPerSecond = Math.Round(sample.Requests / seconds, 2),
            Errors = sample.Errors,
            BusyRefusals = sample.BusyRefusals,
            LatencyMs = sample.Latency,
            Batches = sample.Batches,
            InFlight = _state.Counters.InFlight,
            Totals = sample.Totals,
            RssMB = Math.Round(process.WorkingSet64 / 1048576.0, 1),
            PeakRssMB = Math.Round(process.PeakWorkingSet64 / 1048576.0, 1),
        };
        return MetricsMessages.From(report, _options.ResolvedTopic(_thingName), _cloudWatch ? _options.CloudWatchTopic : null, _options.CloudWatchNamespace);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The interval starts here, not when ExecuteAsync gets a thread (it runs in the background).
        _intervalStarted = _time.GetTimestamp();
        if (_options.IntervalSeconds > 0)
        {
            _timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.IntervalSeconds), _time);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_timer is not { } timer)
        {
            return;
        }

        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await _head.PublishMetricsAsync(TakeReport(), stoppingToken).ConfigureAwait(false);
                WorkerLog.MetricsPublished(_logger, _options.ResolvedTopic(_thingName));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
