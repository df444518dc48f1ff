using System.CommandLine;
using System.Text.Json;
using EdgeInference.Bench;

namespace EdgeInference.Cli.Commands.Client;

/// <summary><c>edge-inference bench-batching</c>: bare ONNX Runtime, parallel runs vs one run with every core, batch sizes side by side (see <see cref="BatchingBenchmark"/>).</summary>
internal static class BenchBatchingCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Model package (default: the bundled ResNet18 sample next to the worker build)." };
        var seconds = new Option<double>("--seconds") { Description = "Seconds per layout per round.", DefaultValueFactory = _ => 2 };
        var rounds = new Option<int>("--rounds") { Description = "The layouts alternate this many times.", DefaultValueFactory = _ => 3 };
        var maxBatch = new Option<int>("--max-batch") { Description = "Largest batch measured (powers of two from 2).", DefaultValueFactory = _ => 8 };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON." };
        var command = new Command("bench-batching", "Bare ONNX Runtime images/s: two runs sharing the cores, one run with every core, batches of 2..N, side by side.") { model, seconds, rounds, maxBatch, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var package = parse.GetValue(model) ?? Path.Combine(Path.GetDirectoryName(WorkerLocator.FindReleaseBuild())!, "models", "resnet18-embedding");
            var layouts = BatchingBenchmark.DefaultLayouts(Environment.ProcessorCount, Math.Max(1, parse.GetValue(maxBatch)));
            var report = await Task.Run(() => BatchingBenchmark.Run(package, layouts, TimeSpan.FromSeconds(parse.GetValue(seconds)), Math.Max(1, parse.GetValue(rounds)), cancellationToken), cancellationToken).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                parse.GetValue(json) ? report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : BatchingBenchmark.Format(report)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
