namespace EdgeInference.LookoutVision;

/// <summary>Lookout-shaped ARNs for local resources (Region <c>local</c>, account <c>000000000000</c>: nothing here is in AWS).</summary>
public static class LookoutArns
{
    public const string Prefix = "arn:aws:lookoutvision:local:000000000000:";

    public static string Project(string project) => $"{Prefix}project/{project}";

    public static string Model(string project, string version) => $"{Prefix}model/{project}/{version}";
}
