namespace EdgeInference.Anomaly.Synthetic;

/// <summary>The defects <see cref="SyntheticPartImages"/> draws, with the class names and mask colours of their manifest entries.</summary>
public enum SyntheticDefect
{
    Scratch,
    Crack,
    MissingPiece,
}

public static class SyntheticDefectNames
{
    public const string BackgroundClass = "BACKGROUND";
    public const string BackgroundColor = "#ffffff";

    public static string ClassName(this SyntheticDefect defect) => defect switch
    {
        SyntheticDefect.Scratch => "scratch",
        SyntheticDefect.Crack => "crack",
        _ => "missing-piece",
    };

    public static string HexColor(this SyntheticDefect defect) => defect switch
    {
        SyntheticDefect.Scratch => "#2ca02c",
        SyntheticDefect.Crack => "#d62728",
        _ => "#1f77b4",
    };
}
