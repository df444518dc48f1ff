using System.Numerics.Tensors;

namespace EdgeInference.Anomaly.Training;

/// <summary>
/// PatchCore's coreset: greedy k-centre selection (each step takes the descriptor farthest from everything chosen so far),
/// run on a seeded Gaussian random projection to <see cref="ProjectedDimensions"/> dimensions (Johnson–Lindenstrauss) so a
/// step costs N·128 rather than N·C. The chosen rows keep their full descriptors.
/// </summary>
public static class GreedyCoreset
{
    public const int ProjectedDimensions = 128;

    /// <param name="rows">[count, dims] row-major descriptors.</param>
    /// <param name="target">How many rows to keep (all of them when count ≤ target).</param>
    /// <param name="progress">Reports how many rows are chosen so far.</param>
    public static int[] Select(float[] rows, int count, int dims, int target, int seed, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        if (count <= target)
        {
            return Enumerable.Range(0, count).ToArray();
        }

        var projected = Project(rows, count, dims, seed, cancellationToken);
        const int P = ProjectedDimensions;
        var nearest = new float[count];
        Array.Fill(nearest, float.PositiveInfinity);
        var chosen = new int[target];
        var current = new Random(seed).Next(count);
        var workers = Math.Max(1, Environment.ProcessorCount);
        var chunk = (count + workers - 1) / workers;
        var bestValue = new float[workers];
        var bestIndex = new int[workers];
        for (var step = 0; step < target; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            chosen[step] = current;
            var centre = projected.AsMemory(current * P, P);
            Parallel.For(0, workers, w =>
            {
                var start = w * chunk;
                var end = Math.Min(count, start + chunk);
                var localBest = -1f;
                var localIndex = -1;
                var centreSpan = centre.Span;
                for (var i = start; i < end; i++)
                {
                    var distance = TensorPrimitives.Distance(projected.AsSpan(i * P, P), centreSpan);
                    if (distance < nearest[i])
                    {
                        nearest[i] = distance;
                    }

                    if (nearest[i] > localBest)
                    {
                        localBest = nearest[i];
                        localIndex = i;
                    }
                }

                bestValue[w] = localBest;
                bestIndex[w] = localIndex;
            });

            var best = 0;
            for (var w = 1; w < workers; w++)
            {
                if (bestValue[w] > bestValue[best])
                {
                    best = w;
                }
            }

            current = bestIndex[best];
            if ((step + 1) % 256 == 0 || step + 1 == target)
            {
                progress?.Report(step + 1);
            }
        }

        return chosen;
    }

    private static float[] Project(float[] rows, int count, int dims, int seed, CancellationToken cancellationToken)
    {
        const int P = ProjectedDimensions;
        var random = new Random(seed);
        var matrix = new float[P * dims];
        var scale = 1f / MathF.Sqrt(P);
        for (var i = 0; i < matrix.Length; i++)
        {
            // Box–Muller: a standard normal from two uniforms.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            matrix[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2)) * scale;
        }

        var projected = new float[count * P];
        Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, r =>
        {
            var row = rows.AsSpan(r * dims, dims);
            for (var j = 0; j < P; j++)
            {
                projected[(r * P) + j] = TensorPrimitives.Dot(row, matrix.AsSpan(j * dims, dims));
            }
        });
        return projected;
    }
}
