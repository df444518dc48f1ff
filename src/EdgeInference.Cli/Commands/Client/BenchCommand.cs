using System.CommandLine;
using System.Text.Json;
using EdgeInference.Bench;
using EdgeInference.Client;

namespace EdgeInference.Cli.Commands.Client;

/// <summary><c>edge-inference bench</c>: the options of <see cref="BenchRunner"/> and how its report is printed.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var image = new Option<FileInfo?>("--image") { Description = "Image to send; default: a synthetic photo-like 1280×960 JPEG (q90)." };
        var noisy = new Option<bool>("--noisy-image") { Description = "Send the flood's noisy 1280×960 JPEG (~410 KB) instead of the photo-like one (~230 KB): the heavy image of the throughput targets." };
        var clients = new Option<int>("--clients") { Description = "Concurrent closed-loop clients for the loaded phase.", DefaultValueFactory = _ => 4 };
        var seconds = new Option<double>("--seconds") { Description = "Length of each measured phase.", DefaultValueFactory = _ => 10 };
        var maxRequests = new Option<int>("--max-requests") { Description = "Cap on requests (or runs) per phase.", DefaultValueFactory = _ => 100_000 };
        var spawn = new Option<bool>("--spawn-worker") { Description = "Start a worker on the embedded broker at a free port (measures cold start and RSS)." };
        var workerPath = new Option<string?>("--worker") { Description = "Worker executable for --spawn-worker (default: the repository's Release build)." };
        var model = new Option<string?>("--model") { Description = "Model package for --spawn-worker and the raw baseline (default: the worker's own, from describe)." };
        var threads = new Option<int?>("--intra-op-threads") { Description = "Model:IntraOpThreads for --spawn-worker." };
        var workerArgs = new Option<string[]>("--worker-arg") { Description = "Extra --Key=value for the spawned worker (repeatable).", AllowMultipleArgumentsPerToken = false };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON." };
        var transport = new Option<string>("--transport") { Description = "mqtt; both: also spawn the worker under an in-process Greengrass nucleus emulator (Transport=ipc) and compare per-request transport overhead; all: both, and MQTT through a mosquitto the bench starts (the same hops as IPC). Needs --spawn-worker.", DefaultValueFactory = _ => "mqtt" };
        transport.AcceptOnlyFromAmong("mqtt", "both", "all");
        var roundsOption = new Option<int>("--rounds") { Description = "Raw and end-to-end phases alternate this many times (each phase gets --seconds in all).", DefaultValueFactory = _ => 4 };
        var command = new Command("bench", "Benchmark a worker end to end against raw ONNX Runtime on the same model.") { image, noisy, clients, seconds, maxRequests, spawn, workerPath, model, threads, workerArgs, json, roundsOption, transport };
        command.Validators.Add(result =>
        {
            if (result.GetValue(transport) is "both" or "all" && !result.GetValue(spawn))
            {
                result.AddError($"--transport {result.GetValue(transport)} needs --spawn-worker (the bench starts the workers it compares).");
            }
        });
        var connectionOptions = ClientCommands.AddConnectionOptions(command);
        command.Subcommands.Add(BenchFloodCommand.Create());
        command.SetAction(async (parse, cancellationToken) =>
        {
            var connection = connectionOptions.Read(parse);
            var settings = new BenchSettings
            {
                Connection = connection,
                Timeout = connectionOptions.Timeout(parse),
                Image = parse.GetValue(image) is { } file ? await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false)
                    : parse.GetValue(noisy) ? EdgeInference.Bench.Flood.FloodBenchmark.FourHundredKilobyteJpeg() : null,
                Clients = parse.GetValue(clients),
                Duration = TimeSpan.FromSeconds(parse.GetValue(seconds)),
                MaxRequests = parse.GetValue(maxRequests),
                SpawnWorker = parse.GetValue(spawn),
                WorkerPath = parse.GetValue(workerPath),
                ModelPath = parse.GetValue(model),
                IntraOpThreads = parse.GetValue(threads),
                WorkerArguments = parse.GetValue(workerArgs) ?? [],
                CompareIpc = parse.GetValue(transport) is "both" or "all",
                CompareExternalBroker = parse.GetValue(transport) == "all",
                Rounds = parse.GetValue(roundsOption),
                Progress = parse.InvocationConfiguration.Error,
            };
            try
            {
                var report = await BenchRunner.RunAsync(settings, cancellationToken).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteLineAsync(
                    parse.GetValue(json) ? report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : BenchReport.Format(report)).ConfigureAwait(false);
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
