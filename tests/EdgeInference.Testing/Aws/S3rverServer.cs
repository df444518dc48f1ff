using Xunit;

namespace EdgeInference.Testing.Aws;

/// <summary>s3rver (npm, tests/node) with one configured bucket in a temporary folder; credentials S3RVER/S3RVER.</summary>
public sealed partial class S3rverServer : IAsyncLifetime
{
    public const string Bucket = "component-artifacts";
    public const string AccessKey = "S3RVER";

    private ExternalServer? _server;
    private string? _unavailableReason;

    public string Url => _server?.Url ?? throw new InvalidOperationException("s3rver is not running.");

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("s3rver-").FullName;

    public async ValueTask InitializeAsync()
    {
        var script = Path.Combine(RepoPaths.NodeModules, "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            _unavailableReason = $"s3rver is not installed ({script}); tests/run.sh installs it.";
            return;
        }

        try
        {
            _server = await ExternalServer.StartAsync(
                "node",
                [script, "-d", DataDirectory, "-a", "127.0.0.1", "-p", "0", "--configure-bucket", Bucket],
                Listening(),
                TimeSpan.FromSeconds(30));
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            _unavailableReason = "node is not installed: " + ex.Message;
        }
    }

    public void RequireRunning()
    {
        if (_server is null)
        {
            Assert.Skip(_unavailableReason ?? "s3rver did not start.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(DataDirectory, recursive: true);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"S3rver listening on 127\.0\.0\.1:(\d+)")]
    private static partial System.Text.RegularExpressions.Regex Listening();
}
