using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace EdgeInference.Testing.Aws;

/// <summary>
/// An HTTPS (CONNECT) proxy on 127.0.0.1 that terminates TLS with a throw-away CA and relays the plain HTTP to a local
/// server chosen by host name: how the real GDK (boto3/botocore 1.29, which has no per-service endpoint settings) is
/// pointed at moto and the GreengrassV2 fake without changing GDK or boto3. The client is told only
/// <c>HTTPS_PROXY=</c><see cref="Url"/> and <c>AWS_CA_BUNDLE=</c><see cref="CaBundlePath"/>. Hosts the route does not
/// know get 403 and are never connected to: nothing leaves the loopback interface.
/// </summary>
public sealed class TlsInterceptingProxy : IAsyncDisposable
{
    private const int MaxConnections = 500;
    private const int MaxHeaderBytes = 16 * 1024;
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    private readonly TcpListener _listener;
    private readonly Func<string, int?> _route;
    private readonly X509Certificate2 _authority;
    private readonly ConcurrentDictionary<string, Lazy<X509Certificate2>> _leaves = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _hosts = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _folder;
    private Task _acceptLoop = Task.CompletedTask;

    private TlsInterceptingProxy(Func<string, int?> route)
    {
        _route = route;
        _folder = Directory.CreateTempSubdirectory("tls-proxy-").FullName;
        _authority = CreateAuthority();
        CaBundlePath = Path.Combine(_folder, "ca.pem");
        File.WriteAllText(CaBundlePath, _authority.ExportCertificatePem() + "\n");
        _listener = new TcpListener(IPAddress.Loopback, 0);
    }

    /// <summary><c>http://127.0.0.1:PORT</c>, for HTTPS_PROXY.</summary>
    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>PEM of the throw-away CA that signed every host certificate, for AWS_CA_BUNDLE.</summary>
    public string CaBundlePath { get; }

    /// <summary>Every host a client asked to CONNECT to, in order (refused ones included).</summary>
    public IReadOnlyList<string> Hosts => [.. _hosts];

    /// <param name="route">The loopback port serving a host, or null to refuse it.</param>
    public static TlsInterceptingProxy Start(Func<string, int?> route)
    {
        var proxy = new TlsInterceptingProxy(route);
        proxy._listener.Start();
        proxy._acceptLoop = proxy.AcceptAsync(proxy._stopping.Token);
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
        foreach (var leaf in _leaves.Values.Where(l => l.IsValueCreated))
        {
            leaf.Value.Dispose();
        }

        _authority.Dispose();
        _stopping.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        for (var accepted = 0; accepted < MaxConnections && !cancellationToken.IsCancellationRequested; accepted++)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = ServeAsync(client, cancellationToken);
            _connections.TryAdd(connection, 0);
            _ = connection.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadHeadAsync(stream, cancellationToken).ConfigureAwait(false);
                var parts = request?.Split("\r\n")[0].Split(' ');
                if (parts is not { Length: 3 } || parts[0] != "CONNECT")
                {
                    await ReplyAsync(stream, "405 Method Not Allowed", cancellationToken).ConfigureAwait(false);
                    return;
                }

                var host = parts[1].Split(':')[0];
                _hosts.Enqueue(host);
                if (_route(host) is not { } port)
                {
                    await ReplyAsync(stream, "403 Forbidden", cancellationToken).ConfigureAwait(false);
                    return;
                }

                await ReplyAsync(stream, "200 Connection established", cancellationToken).ConfigureAwait(false);
                await using var tls = new SslStream(stream);
                using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    handshake.CancelAfter(HandshakeTimeout);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = Leaf(host) }, handshake.Token).ConfigureAwait(false);
                }

                using var upstream = new TcpClient();
                await upstream.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                var upstreamStream = upstream.GetStream();
                using var relay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var toServer = tls.CopyToAsync(upstreamStream, relay.Token);
                var toClient = upstreamStream.CopyToAsync(tls, relay.Token);
                await Task.WhenAny(toServer, toClient).ConfigureAwait(false);
                await relay.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(toServer, toClient).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
            {
                // One tunnel ends (client gone, handshake refused, proxy stopping); the others go on.
            }
        }
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        // Byte by byte up to the blank line, so no byte of the TLS handshake that follows is consumed here.
        var head = new List<byte>(256);
        var one = new byte[1];
        while (head.Count < MaxHeaderBytes)
        {
            if (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
            {
                return null;
            }

            head.Add(one[0]);
            if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
            {
                return Encoding.ASCII.GetString([.. head]);
            }
        }

        return null;
    }

    private static Task ReplyAsync(NetworkStream stream, string status, CancellationToken cancellationToken) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n"), cancellationToken).AsTask();

    private X509Certificate2 Leaf(string host) => _leaves.GetOrAdd(host, h => new Lazy<X509Certificate2>(() => CreateLeaf(h, _authority))).Value;

    private static X509Certificate2 CreateAuthority()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=edge-inference test proxy CA (throw-away)", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(2));
    }

    private static X509Certificate2 CreateLeaf(string host, X509Certificate2 authority)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(authority, now.AddDays(-1), now.AddDays(1), serial);
        using var withKey = certificate.CopyWithPrivateKey(key);
        // Through PKCS#12 so the TLS stack gets a key it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
