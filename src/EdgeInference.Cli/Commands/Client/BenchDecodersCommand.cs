using System.CommandLine;
using System.Text.Json;
using EdgeInference.Bench;

namespace EdgeInference.Cli.Commands.Client;

/// <summary><c>edge-inference bench-decoders</c>: OpenCV and libvips decode + fit side by side (see <see cref="DecoderBenchmark"/>).</summary>
internal static class BenchDecodersCommand
{
    public static Command Create()
    {
        var size = new Option<int>("--size") { Description = "The model frame's side (stretch), like ResNet18's 224.", DefaultValueFactory = _ => 224 };
        var rounds = new Option<int>("--rounds") { Description = "The decoders alternate this many times.", DefaultValueFactory = _ => 6 };
        var iterations = new Option<int>("--iterations") { Description = "Images per decoder per round.", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON." };
        var command = new Command("bench-decoders", "Compare the image decoders (OpenCV, libvips): decode + resize per 1280×960 JPEG, smooth and noisy, in one run.") { size, rounds, iterations, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var side = parse.GetValue(size);
            var report = await Task.Run(() => DecoderBenchmark.Run(side, side, Math.Max(1, parse.GetValue(rounds)), Math.Max(1, parse.GetValue(iterations)), cancellationToken), cancellationToken).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                parse.GetValue(json) ? report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : DecoderBenchmark.Format(report)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
