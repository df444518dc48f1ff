using EdgeInference.Anomaly.Graphs;

namespace EdgeInference.Anomaly.Training;

/// <summary>
/// Fits PaDiM's per-position Gaussians: for each grid cell, the mean and the regularised covariance
/// (<c>Σ + εI</c>) of a seeded random subset of <see cref="Dimensions"/> channels over the memory images, inverted by Cholesky.
/// </summary>
public static class GaussianFit
{
    public const int Dimensions = 100;
    public const double Epsilon = 0.01;

    /// <param name="descriptors">[images · cells, channels] row-major, image after image.</param>
    public static GaussianScorer Fit(float[] descriptors, int images, int cells, int channels, int seed, CancellationToken cancellationToken = default)
    {
        var d = Math.Min(Dimensions, channels);
        var picked = Enumerable.Range(0, channels).OrderBy(_ => 0).ToArray();
        new Random(seed).Shuffle(picked);
        var kept = picked.Take(d).Order().Select(c => (long)c).ToArray();
        var means = new float[cells * d];
        var inverses = new float[cells * d * d];
        Parallel.For(0, cells, new ParallelOptions { CancellationToken = cancellationToken }, cell =>
        {
            var mean = new double[d];
            for (var image = 0; image < images; image++)
            {
                var row = ((image * cells) + cell) * channels;
                for (var k = 0; k < d; k++)
                {
                    mean[k] += descriptors[row + kept[k]];
                }
            }

            for (var k = 0; k < d; k++)
            {
                mean[k] /= images;
                means[(cell * d) + k] = (float)mean[k];
            }

            var covariance = new double[d * d];
            var centred = new double[d];
            for (var image = 0; image < images; image++)
            {
                var row = ((image * cells) + cell) * channels;
                for (var k = 0; k < d; k++)
                {
                    centred[k] = descriptors[row + kept[k]] - mean[k];
                }

                for (var a = 0; a < d; a++)
                {
                    for (var b = 0; b <= a; b++)
                    {
                        covariance[(a * d) + b] += centred[a] * centred[b];
                    }
                }
            }

            for (var a = 0; a < d; a++)
            {
                for (var b = 0; b <= a; b++)
                {
                    var value = covariance[(a * d) + b] / Math.Max(1, images - 1);
                    covariance[(a * d) + b] = value;
                    covariance[(b * d) + a] = value;
                }

                covariance[(a * d) + a] += Epsilon;
            }

            var inverse = SymmetricInverse(covariance, d);
            for (var i = 0; i < d * d; i++)
            {
                inverses[(cell * d * d) + i] = (float)inverse[i];
            }
        });

        return new GaussianScorer(kept, means, inverses, cells);
    }

    /// <summary>Inverse of a symmetric positive-definite matrix through its Cholesky factor.</summary>
    private static double[] SymmetricInverse(double[] matrix, int n)
    {
        var lower = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = matrix[(i * n) + j];
                for (var k = 0; k < j; k++)
                {
                    sum -= lower[(i * n) + k] * lower[(j * n) + k];
                }

                lower[(i * n) + j] = i == j ? Math.Sqrt(Math.Max(sum, 1e-12)) : sum / lower[(j * n) + j];
            }
        }

        // Invert L (lower triangular), then A⁻¹ = L⁻ᵀ L⁻¹.
        var lowerInverse = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            lowerInverse[(i * n) + i] = 1 / lower[(i * n) + i];
            for (var j = 0; j < i; j++)
            {
                var sum = 0.0;
                for (var k = j; k < i; k++)
                {
                    sum -= lower[(i * n) + k] * lowerInverse[(k * n) + j];
                }

                lowerInverse[(i * n) + j] = sum / lower[(i * n) + i];
            }
        }

        var inverse = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = 0.0;
                for (var k = i; k < n; k++)
                {
                    sum += lowerInverse[(k * n) + i] * lowerInverse[(k * n) + j];
                }

                inverse[(i * n) + j] = sum;
                inverse[(j * n) + i] = sum;
            }
        }

        return inverse;
    }
}
