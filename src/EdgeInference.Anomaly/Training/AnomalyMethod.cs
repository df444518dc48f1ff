namespace EdgeInference.Anomaly.Training;

/// <summary>How cell descriptors are compared with the normal images (<c>--method</c>).</summary>
public enum AnomalyMethod
{
    /// <summary>Nearest neighbour in a coreset memory bank of all normal descriptors (position-free; the default).</summary>
    PatchCore,

    /// <summary>A Gaussian per grid position (needs aligned objects and more normal images than descriptor channels).</summary>
    Padim,
}

public static class AnomalyMethodNames
{
    public static string ToName(this AnomalyMethod method) => method == AnomalyMethod.Padim ? "padim" : "patchcore";

    public static bool TryParse(string? text, out AnomalyMethod method)
    {
        (var ok, method) = text?.ToLowerInvariant() switch
        {
            "patchcore" => (true, AnomalyMethod.PatchCore),
            "padim" => (true, AnomalyMethod.Padim),
            _ => (false, AnomalyMethod.PatchCore),
        };
        return ok;
    }
}
