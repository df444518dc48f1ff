namespace EdgeInference.Worker.Hosting;

/// <summary>Process exit codes; non-zero makes the Greengrass nucleus apply its recovery policy.</summary>
public static class WorkerExitCodes
{
    public const int Success = 0;
    public const int StartupFailed = 1;
    public const int InvalidConfiguration = 2;
    public const int ModelUnusable = 3;
    public const int AcceleratorUnavailable = 4;
}
