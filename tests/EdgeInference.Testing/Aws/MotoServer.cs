using Xunit;

namespace EdgeInference.Testing.Aws;

/// <summary>
/// moto (<c>python3 -m moto.server</c>) as the S3 and STS of the tests: any access key works and
/// GetCallerIdentity answers account 123456789012. One per test assembly (an assembly fixture: moto takes seconds to
/// start), so each test uses names of its own (buckets, components); skipped where moto is absent.
/// </summary>
public sealed partial class MotoServer : IAsyncLifetime
{
    public const string Account = "123456789012";

    private ExternalServer? _server;
    private string? _unavailableReason;

    public string Url => _server?.Url ?? throw new InvalidOperationException("moto is not running.");

    public async ValueTask InitializeAsync()
    {
        try
        {
            _server = await ExternalServer.StartAsync(
                "python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", "0"], Listening(), TimeSpan.FromSeconds(60));
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or ExternalServerException)
        {
            _unavailableReason = ex.Message;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Running on http://127\.0\.0\.1:(\d+)")]
    private static partial System.Text.RegularExpressions.Regex Listening();

    /// <summary>Skips the calling test when moto could not start because it is not installed.</summary>
    public void RequireRunning()
    {
        if (_server is null)
        {
            if (_unavailableReason is not null && _unavailableReason.Contains("No module named moto", StringComparison.Ordinal))
            {
                Assert.Skip("moto is not installed (python3 -m moto.server).");
            }

            throw new InvalidOperationException("moto did not start: " + _unavailableReason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
