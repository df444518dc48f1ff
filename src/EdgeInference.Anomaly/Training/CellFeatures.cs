using EdgeInference.Anomaly.Graphs;

namespace EdgeInference.Anomaly.Training;

/// <summary>Reorders the feature graph's [1, C, H, W] output into one row of C values per grid cell ([H·W, C], row-major).</summary>
public static class CellFeatures
{
    public const int CellsPerImage = FeatureGraph.Grid * FeatureGraph.Grid;

    public static void CopyToRows(ReadOnlySpan<float> chw, Span<float> rows)
    {
        const int Channels = FeatureGraph.Channels;
        for (var c = 0; c < Channels; c++)
        {
            var plane = chw.Slice(c * CellsPerImage, CellsPerImage);
            for (var cell = 0; cell < CellsPerImage; cell++)
            {
                rows[(cell * Channels) + c] = plane[cell];
            }
        }
    }
}
