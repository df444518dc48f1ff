using EdgeInference.Anomaly.Synthetic;

namespace EdgeInference.Testing.Anomaly;

/// <summary>Small synthetic datasets (tiny images, few samples) for tests that train: generated, never committed.</summary>
public static class SmallSyntheticSets
{
    /// <summary>Writes <paramref name="normal"/> + <paramref name="anomalous"/> 96×72 images with masks into <paramref name="directory"/>; returns the manifest path.</summary>
    public static string Write(string directory, int normal = 22, int anomalous = 9, int seed = 7) =>
        SyntheticDataset.Write(directory, normal, anomalous, seed, width: 96, height: 72);
}
