using System.Numerics.Tensors;
using EdgeInference.Anomaly.Graphs;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInference.Anomaly.Training;

/// <summary>
/// Held-out-like scores of the memory images themselves: each image's cells are matched against the memory bank
/// without the descriptors that came from that image, and the distances go through the graph's own map head
/// (<see cref="ScoringGraph.BuildHead"/>). Every normal image then both builds the bank and calibrates the threshold.
/// </summary>
public static class LeaveOneOutScores
{
    /// <param name="descriptors">[images · cells, C] of the memory images, image after image.</param>
    /// <param name="bankRows">The rows of <paramref name="descriptors"/> the coreset kept.</param>
    public static float[] Compute(float[] descriptors, int images, int[] bankRows, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        const int Cells = CellFeatures.CellsPerImage;
        const int C = FeatureGraph.Channels;
        var bankNorms = bankRows.Select(r => TensorPrimitives.Dot(descriptors.AsSpan(r * C, C), descriptors.AsSpan(r * C, C))).ToArray();
        var bankImage = bankRows.Select(r => r / Cells).ToArray();
        using var options = new SessionOptions();
        using var head = new InferenceSession(ScoringGraph.BuildHead().ToByteArray(), options);
        var scores = new float[images];
        var distances = new float[Cells];
        for (var image = 0; image < images; image++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = image;
            Parallel.For(0, Cells, new ParallelOptions { CancellationToken = cancellationToken }, cell =>
            {
                var x = descriptors.AsSpan(((current * Cells) + cell) * C, C);
                var best = float.PositiveInfinity;
                for (var j = 0; j < bankRows.Length; j++)
                {
                    if (bankImage[j] == current)
                    {
                        continue;
                    }

                    var partial = bankNorms[j] - (2 * TensorPrimitives.Dot(x, descriptors.AsSpan(bankRows[j] * C, C)));
                    if (partial < best)
                    {
                        best = partial;
                    }
                }

                distances[cell] = MathF.Sqrt(MathF.Max(0, best + TensorPrimitives.Dot(x, x)));
            });

            using var input = OrtValue.CreateTensorValueFromMemory(distances, [Cells, 1]);
            using var runOptions = new RunOptions();
            using var outputs = head.Run(runOptions, [ScoringGraph.DistancesInput], [input], [ScoringGraph.ScoreOutput]);
            scores[image] = outputs[0].GetTensorDataAsSpan<float>()[0];
            progress?.Report(image + 1);
        }

        return scores;
    }
}
