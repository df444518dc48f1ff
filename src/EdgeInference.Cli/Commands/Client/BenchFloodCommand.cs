using System.CommandLine;
using System.Text.Json;
using EdgeInference.Bench.Flood;
using EdgeInference.Client;

namespace EdgeInference.Cli.Commands.Client;

/// <summary><c>edge-inference bench flood</c>: the options of <see cref="FloodBenchmark"/> and how its report is printed.</summary>
internal static class BenchFloodCommand
{
    public static Command Create()
    {
        var image = new Option<FileInfo?>("--image") { Description = "Image every flood request carries; default: a synthetic noisy 1280×960 JPEG (q90, ~410 KB)." };
        var clients = new Option<int>("--clients") { Description = "Flooding clients (one MQTT connection each).", DefaultValueFactory = _ => 50 };
        var inFlight = new Option<int>("--in-flight") { Description = "Requests each client keeps in flight.", DefaultValueFactory = _ => 2 };
        var seconds = new Option<double>("--seconds") { Description = "Length of the flood.", DefaultValueFactory = _ => 20 };
        var steadySeconds = new Option<double>("--steady-seconds") { Description = "Length of the one-client phase that sets the steady-state RSS.", DefaultValueFactory = _ => 8 };
        var oversized = new Option<int[]>("--oversized-mb") { Description = "Sizes (MiB) of the payloads over Limits:MaxPayloadBytes (repeatable).", DefaultValueFactory = _ => [9, 64, 255] };
        var noHostile = new Option<bool>("--no-hostile") { Description = "Flood only; skip the hostile inputs." };
        var workerPath = new Option<string?>("--worker") { Description = "Worker executable (default: the repository's Release build)." };
        var model = new Option<string?>("--model") { Description = "Model package for the worker (default: its bundled sample)." };
        var workerArgs = new Option<string[]>("--worker-arg") { Description = "Extra --Key=value for the worker (repeatable).", AllowMultipleArgumentsPerToken = false };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for each reply.", DefaultValueFactory = _ => 30 };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON." };
        foreach (var positive in new[] { clients, inFlight })
        {
            positive.Validators.Add(r =>
            {
                if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is < 1 or > 1000)
                {
                    r.AddError($"{r.IdentifierToken?.Value} must be 1 to 1000 (got {n}).");
                }
            });
        }

        var command = new Command("flood", "Spawn a worker, measure its steady-state RSS, flood it (50 clients of ~400 KB JPEGs), then send hostile inputs (huge-dimension headers, garbage, broken JSON, payloads up to 255 MiB), each followed by an ordinary request; prints RSS peaks against the steady state (target ≤ 1.5×) and every answer. Progress on stderr.")
        {
            image, clients, inFlight, seconds, steadySeconds, oversized, noHostile, workerPath, model, workerArgs, timeout, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new FloodSettings
            {
                Image = parse.GetValue(image) is { } file ? await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false) : null,
                Clients = parse.GetValue(clients),
                InFlightPerClient = parse.GetValue(inFlight),
                Duration = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(seconds))),
                SteadyDuration = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(steadySeconds))),
                OversizedMegabytes = parse.GetValue(oversized) ?? [],
                Hostile = !parse.GetValue(noHostile),
                WorkerPath = parse.GetValue(workerPath),
                ModelPath = parse.GetValue(model),
                WorkerArguments = parse.GetValue(workerArgs) ?? [],
                Timeout = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(timeout))),
                Progress = parse.InvocationConfiguration.Error,
            };
            try
            {
                var report = await FloodBenchmark.RunAsync(settings, cancellationToken).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteLineAsync(
                    parse.GetValue(json) ? report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : FloodReport.Format(report)).ConfigureAwait(false);
                return 0;
            }
            catch (WorkerClientException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"edge-inference: {ex.Message}").ConfigureAwait(false);
                return ClientCommands.ExitUnreachable;
            }
            catch (InvalidOperationException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"edge-inference: {ex.Message}").ConfigureAwait(false);
                return ClientCommands.ExitUnreachable;
            }
        });
        return command;
    }
}
