using EdgeInference.Greengrass.Ipc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Greengrass;

/// <summary>
/// The worker's one IPC connection to the Greengrass nucleus (registered only when the nucleus started us): the IPC head
/// serves requests on it, and the model manager reads model components' configuration through it.
/// </summary>
public sealed class GreengrassConnection : IAsyncDisposable
{
    private readonly GreengrassIpcOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private GreengrassIpcClient? _client;

    public GreengrassConnection(IOptions<GreengrassIpcOptions> options, ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _loggerFactory = loggerFactory;
    }

    public string SocketPath => _options.SocketPath ?? string.Empty;

    /// <summary>The connected client (connecting on first use; it reconnects by itself after a drop).</summary>
    /// <exception cref="GreengrassConnectionException">The nucleus cannot be reached or refused us.</exception>
    public async Task<GreengrassIpcClient> GetClientAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _client) is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client is not null)
            {
                return _client;
            }

            var client = new GreengrassIpcClient(_options, _loggerFactory.CreateLogger<GreengrassIpcClient>());
            try
            {
                await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is GreengrassIpcException or System.ComponentModel.DataAnnotations.ValidationException)
            {
                await client.DisposeAsync().ConfigureAwait(false);
                throw new GreengrassConnectionException($"Cannot connect to the Greengrass nucleus IPC socket '{_options.SocketPath}': {ex.Message}", ex);
            }

            Volatile.Write(ref _client, client);
            return client;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _client, null) is { } client)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }
}

/// <summary>The worker cannot talk to the Greengrass nucleus.</summary>
public sealed class GreengrassConnectionException : Exception
{
    public GreengrassConnectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
