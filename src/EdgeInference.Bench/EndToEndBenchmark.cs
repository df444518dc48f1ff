using System.Diagnostics;
using System.Text;
using EdgeInference.Client;

namespace EdgeInference.Bench;

/// <summary>Closed-loop clients over the broker, each sending the next request when the last reply arrives.</summary>
public static class EndToEndBenchmark
{
    public static async Task<EndToEndSamples> MeasureAsync(
        WorkerConnection connection, int clients, byte[] payload, TimeSpan duration, int maxRequests, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connected = new List<WorkerClient>();
        try
        {
            for (var i = 0; i < clients; i++)
            {
                connected.Add(await WorkerClient.ConnectAsync(connection, timeout, cancellationToken).ConfigureAwait(false));
            }

            // Warm the path (JIT, broker sessions) before measuring.
            foreach (var client in connected)
            {
                await client.RequestAsync(connection.InferTopic, payload, timeout, cancellationToken).ConfigureAwait(false);
            }

            var latencies = new List<double>();
            var workerTotals = new List<double>();
            var workerInference = new List<double>();
            var stages = new List<StageSample>();
            var errors = 0;
            string? firstError = null;
            var sent = 0;
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(connected.Select(async client =>
            {
                while (Stopwatch.GetElapsedTime(started) < duration && Interlocked.Increment(ref sent) <= maxRequests)
                {
                    var t = Stopwatch.GetTimestamp();
                    var reply = await client.RequestAsync(connection.InferTopic, payload, timeout, cancellationToken).ConfigureAwait(false);
                    var elapsed = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                    lock (latencies)
                    {
                        if (IsError(reply))
                        {
                            errors++;
                            firstError ??= Encoding.UTF8.GetString(reply);
                        }
                        else
                        {
                            latencies.Add(elapsed);
                            if (WorkerTimings(elapsed, reply) is { } worker)
                            {
                                workerTotals.Add(worker.TotalMs);
                                workerInference.Add(worker.InferenceMs);
                                stages.Add(worker);
                            }
                        }
                    }
                }
            })).ConfigureAwait(false);
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
            return new EndToEndSamples(latencies, workerTotals, workerInference, Stopwatch.GetElapsedTime(started).TotalSeconds, errors, firstError, cpu) { Stages = stages };
        }
        finally
        {
            foreach (var client in connected)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The worker's own Timings (queue, decode, run, total), so transport overhead can be told apart.</summary>
    private static StageSample? WorkerTimings(double endToEndMs, byte[] reply)
    {
        using var document = System.Text.Json.JsonDocument.Parse(reply);
        return StageSample.FromReply(endToEndMs, document.RootElement);
    }

    private static bool IsError(byte[] reply) => reply.AsSpan().IndexOf("\"Error\":"u8) >= 0 && reply.AsSpan().IndexOf("\"Timings\":"u8) < 0;
}

/// <param name="ClientCpuMs">CPU time the load generator itself used (it shares the machine with the worker).</param>
public sealed record EndToEndSamples(List<double> Latencies, List<double> WorkerTotals, List<double> WorkerInference, double Seconds, int Errors, string? FirstError, double ClientCpuMs)
{
    /// <summary>Per answered request: where its time went (see <see cref="StageBreakdown"/>).</summary>
    public List<StageSample> Stages { get; init; } = [];

    /// <summary>Per request: client-observed latency minus the worker's own TotalMs, i.e. what the transport costs.</summary>
    public List<double> Overheads => Latencies.Zip(WorkerTotals, (e2e, worker) => e2e - worker).ToList();
}
