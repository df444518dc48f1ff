using System.Diagnostics;
using System.Text;
using EdgeInference.Cli.Client;

namespace EdgeInference.Cli.Bench;

/// <summary>Closed-loop clients over the broker, each sending the next request when the last reply arrives.</summary>
internal static class EndToEndBenchmark
{
    public static async Task<(LatencyStats Stats, int Errors, string? FirstError)> MeasureAsync(
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
            var errors = 0;
            string? firstError = null;
            var sent = 0;
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
                        }
                    }
                }
            })).ConfigureAwait(false);
            return (LatencyStats.From(latencies, Stopwatch.GetElapsedTime(started).TotalSeconds), errors, firstError);
        }
        finally
        {
            foreach (var client in connected)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static bool IsError(byte[] reply) => reply.AsSpan().IndexOf("\"Error\":"u8) >= 0 && reply.AsSpan().IndexOf("\"Timings\":"u8) < 0;
}
