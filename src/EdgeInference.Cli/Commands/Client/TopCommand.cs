using System.CommandLine;
using System.Text.Json.Nodes;
using EdgeInference.Client;

namespace EdgeInference.Cli.Commands.Client;

/// <summary>
/// <c>edge-inference top</c>: subscribes to the worker's metrics topic and shows each report as it arrives (the worker
/// publishes every Metrics:IntervalSeconds), until Ctrl+C or <c>--count</c> reports.
/// </summary>
internal static class TopCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Exit after this many reports (0: until Ctrl+C).", DefaultValueFactory = _ => 0 };
        var once = new Option<bool>("--once") { Description = "Exit after the first report (same as --count 1)." };
        var wait = new Option<double>("--wait") { Description = "Seconds to wait for each report before giving up (exit 3); 0: wait forever.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print each report as one JSON line instead of the screen." };
        var topic = new Option<string?>("--metrics-topic") { Description = "Metrics topic or filter when the worker's Metrics:Topic is not the default (e.g. edge-inference/+/metrics for every thing)." };
        var command = new Command("top", "Show a worker's metrics live: requests, errors, Busy refusals, latency percentiles, batch sizes, memory.") { count, once, wait, json, topic };
        var connectionOptions = ClientCommands.AddConnectionOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var connection = connectionOptions.Read(parse);
            var filter = parse.GetValue(topic) ?? connection.MetricsTopic;
            var limit = parse.GetValue(once) ? 1 : Math.Max(0, parse.GetValue(count));
            var perReport = parse.GetValue(wait) is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan;
            var output = parse.InvocationConfiguration.Output;
            var asJson = parse.GetValue(json);
            var clear = !asJson && !Console.IsOutputRedirected;
            try
            {
                await using var client = await WorkerClient.ConnectAsync(connection, connectionOptions.Timeout(parse), cancellationToken).ConfigureAwait(false);
                if (!asJson)
                {
                    await output.WriteLineAsync($"waiting for metrics on {filter} (the worker publishes every Metrics:IntervalSeconds; Ctrl+C stops)").ConfigureAwait(false);
                }

                var shown = 0;
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await using var reports = client.WatchAsync(filter, stop.Token).GetAsyncEnumerator(stop.Token);
                while (limit == 0 || shown < limit)
                {
                    var next = reports.MoveNextAsync().AsTask();
                    bool more;
                    try
                    {
                        more = await next.WaitAsync(perReport, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
                    {
                        // The enumerator may only be disposed once its pending MoveNextAsync has ended.
                        await stop.CancelAsync().ConfigureAwait(false);
                        try
                        {
                            await next.ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                        }

                        throw;
                    }

                    if (!more)
                    {
                        break;
                    }

                    var (_, payload) = reports.Current;
                    var node = JsonNode.Parse(payload);
                    if (node is null)
                    {
                        continue;
                    }

                    await output.WriteAsync((clear ? MetricsView.ClearScreen : string.Empty) + (asJson ? node.ToJsonString() + Environment.NewLine : MetricsView.Format(node))).ConfigureAwait(false);
                    shown++;
                }

                await stop.CancelAsync().ConfigureAwait(false);
                return 0;
            }
            catch (TimeoutException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"edge-inference: no metrics on {filter} within {perReport.TotalSeconds:0.#} s (is Metrics:IntervalSeconds above 0 on the worker?).").ConfigureAwait(false);
                return ClientCommands.ExitNoAnswer;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return 0;
            }
            catch (WorkerClientException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"edge-inference: {ex.Message}").ConfigureAwait(false);
                return ClientCommands.ExitUnreachable;
            }
        });
        return command;
    }
}
