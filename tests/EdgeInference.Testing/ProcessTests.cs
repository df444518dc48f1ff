namespace EdgeInference.Testing;

/// <summary>
/// The name of the serial xunit collection that each test assembly defines (with <c>DisableParallelization</c>) for its
/// tests that start processes (moto, s3rver, the AWS CLI, GDK, the worker): they share two cores with everything else.
/// </summary>
public static class ProcessTests
{
    public const string Collection = "Processes";
}
