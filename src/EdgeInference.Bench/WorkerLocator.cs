using EdgeInference.Client;

namespace EdgeInference.Bench;

/// <summary>Where the worker executable the bench spawns is found by default.</summary>
public static class WorkerLocator
{
    /// <summary>The repository's Release build of the worker, found above the current folder.</summary>
    public static string FindReleaseBuild()
    {
        var rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "EdgeInference.Worker", "bin", "Release", "net10.0", rid, "EdgeInference.Worker");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new WorkerClientException($"No worker build found (looked for src/EdgeInference.Worker/bin/Release/net10.0/{rid}/EdgeInference.Worker above {Environment.CurrentDirectory}); build it with 'dotnet build src/EdgeInference.Worker -c Release' or pass --worker.");
    }
}
