using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInference.Greengrass.Emulator.Tes;

/// <summary>
/// The emulated token exchange service (<c>aws.greengrass.TokenExchangeService</c>): an HTTP server on loopback at a
/// free port, serving <c>http://localhost:PORT/2016-11-01/credentialprovider/</c> as the nucleus's TES does
/// (tes/TokenExchangeService.java, HttpServerImpl.java; answers in <see cref="CredentialRequestHandler"/>). Components
/// find it through <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> and authenticate with
/// <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c> (their SVCUID), so AWS SDKs' container credential providers use it
/// unchanged. The credentials come from <see cref="TesCredentials"/> instead of an IoT role alias.
/// </summary>
public sealed class TokenExchangeService : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);
    private readonly NucleusEmulator _emulator;
    private readonly TesCredentials? _credentials;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly List<TcpListener> _listeners;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _acceptLoops = [];

    private TokenExchangeService(NucleusEmulator emulator, TesCredentials? credentials, List<TcpListener> listeners, string host, ILogger logger, TimeProvider time)
    {
        _emulator = emulator;
        _credentials = credentials;
        _listeners = listeners;
        _logger = logger;
        _time = time;
        Port = ((IPEndPoint)listeners[0].LocalEndpoint).Port;
        Uri = new Uri($"http://{host}:{Port.ToString(CultureInfo.InvariantCulture)}{CredentialRequestHandler.CredentialsPath}");
    }

    /// <summary><c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c>.</summary>
    public Uri Uri { get; }

    /// <summary>The port it listens on (loopback only).</summary>
    public int Port { get; }

    /// <summary>Whether it has credentials to hand out.</summary>
    public bool HasCredentials => _credentials is not null;

    /// <summary>Starts listening on 127.0.0.1 (and ::1 at the same port, when the machine has IPv6 loopback).</summary>
    /// <param name="emulator">Authenticates the SVCUID tokens.</param>
    /// <param name="credentials">What to hand out; null: <see cref="TesCredentials.FromEnvironment"/>, and without those requests get 500.</param>
    /// <param name="loggerFactory">Optional logging.</param>
    /// <param name="timeProvider">Clock for expirations and read timeouts.</param>
    /// <param name="cancellationToken">Unused beyond the start.</param>
    public static Task<TokenExchangeService> StartAsync(
        NucleusEmulator emulator, TesCredentials? credentials = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        cancellationToken.ThrowIfCancellationRequested();
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<TokenExchangeService>();
        var listeners = new List<TcpListener> { new(IPAddress.Loopback, 0) };
        listeners[0].Start();
        var host = "localhost";
        if (Socket.OSSupportsIPv6)
        {
            var ipv6 = new TcpListener(IPAddress.IPv6Loopback, ((IPEndPoint)listeners[0].LocalEndpoint).Port);
            try
            {
                ipv6.Start();
                listeners.Add(ipv6);
            }
            catch (SocketException)
            {
                ipv6.Dispose();
                host = "127.0.0.1"; // "localhost" might resolve to ::1 first, where nothing listens.
            }
        }
        else
        {
            host = "127.0.0.1";
        }

        credentials ??= TesCredentials.FromEnvironment();
        var service = new TokenExchangeService(emulator, credentials, listeners, host, logger, timeProvider ?? TimeProvider.System);
        foreach (var listener in listeners)
        {
            service._acceptLoops.Add(Task.Run(() => service.AcceptLoopAsync(listener, service._stopping.Token), CancellationToken.None));
        }

        Log.TesListening(logger, service.Uri.ToString());
        if (credentials is null)
        {
            Log.TesWithoutCredentials(logger);
        }

        return Task.FromResult(service);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || (ex is SocketException && cancellationToken.IsCancellationRequested))
            {
                return;
            }
            catch (SocketException ex)
            {
                Log.TesAcceptFailed(_logger, ex);
                continue;
            }

            _ = Task.Run(() => ServeAsync(socket, cancellationToken), CancellationToken.None);
        }
    }

    /// <summary>One request per connection, answered with <c>Connection: close</c>.</summary>
    private async Task ServeAsync(Socket socket, CancellationToken cancellationToken)
    {
        using (socket)
        {
            try
            {
                using var timeout = new CancellationTokenSource(ReadTimeout, _time);
                using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                var head = await ReadHeadAsync(socket, bound.Token).ConfigureAwait(false);
                var response = head is null
                    ? new TesResponse(400, [])
                    : CredentialRequestHandler.Handle(
                        head.Method, head.Path, head.Headers.GetValueOrDefault("Authorization"), _emulator.ComponentForToken, _credentials, _time.GetUtcNow());
                Log.TesRequest(_logger, head?.Method ?? "?", head?.Path ?? "?", response.StatusCode);
                await socket.SendAsync(Serialize(response), SocketFlags.None, bound.Token).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
            {
                Log.TesConnectionFailed(_logger, ex);
            }
        }
    }

    private static async Task<HttpRequestHead?> ReadHeadAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[HttpRequestHead.MaxHeadBytes];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            filled += read;
            var end = HttpRequestHead.EndOfHead(buffer.AsSpan(0, filled));
            if (end > 0)
            {
                return HttpRequestHead.Parse(buffer.AsSpan(0, end));
            }
        }

        return null;
    }

    private static byte[] Serialize(TesResponse response)
    {
        var reason = response.StatusCode switch
        {
            200 => "OK",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            _ => "Internal Server Error",
        };
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {response.StatusCode} {reason}\r\nContent-Length: {response.Body.Length}\r\nConnection: close\r\n\r\n");
        return [.. head, .. response.Body];
    }
}
