using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EdgeInference.Core.Json;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeInference.Worker.Heads.Mqtt;

/// <summary>
/// MQTT 5 client options from configuration: 64 KB buffers, credentials, (mutual) TLS, a last will on the status topic, a
/// persistent session (so requests published while the worker is away wait for it) and a maximum packet size (so the
/// broker never hands it a request larger than it would accept).
/// </summary>
internal static class MqttClientOptionsFactory
{
    /// <summary>Room for a request's topic, properties and headers on top of its payload.</summary>
    public const int MqttPacketOverhead = 64 * 1024;

    /// <param name="will">The status the broker publishes (retained) if the connection drops without a clean disconnect.</param>
    /// <param name="maxPayloadBytes">Limits:MaxPayloadBytes: the packet size the broker may send us is bounded by it.</param>
    /// <param name="credentials">User name and password to present (Mqtt:Username/Password, or the embedded broker's worker secret); null: none.</param>
    public static MqttClientOptions Create(MqttOptions options, string host, int port, string clientId, string statusTopic, WorkerStatus will, long maxPayloadBytes, (string UserName, string? Password)? credentials)
    {
        var willPayload = JsonSerializer.SerializeToUtf8Bytes(will, CoreJsonContext.Default.WorkerStatus);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithTcpServer(o => o.BufferSize = options.BufferSize)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(options.SessionExpirySeconds == 0)
            .WithSessionExpiryInterval((uint)options.SessionExpirySeconds)
            .WithMaximumPacketSize((uint)Math.Min(uint.MaxValue, maxPayloadBytes + MqttPacketOverhead))
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(statusTopic)
            .WithWillPayload(willPayload)
            .WithWillContentType("application/json")
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (credentials is { } presented)
        {
            builder.WithCredentials(presented.UserName, presented.Password);
        }

        if (options.Tls.Enabled)
        {
            builder.WithTlsOptions(tls => ConfigureTls(tls, options.Tls));
        }

        return builder.Build();
    }

    private static void ConfigureTls(MqttClientTlsOptionsBuilder tls, MqttTlsOptions options)
    {
        tls.UseTls();
        if (!string.IsNullOrEmpty(options.CaFile))
        {
            var trust = new X509Certificate2Collection();
            trust.ImportFromPemFile(options.CaFile);
            tls.WithTrustChain(trust);
        }

        if (!string.IsNullOrEmpty(options.CertFile) && !string.IsNullOrEmpty(options.KeyFile))
        {
            using var pem = X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile);
            // Re-import so the private key is usable by SslStream on every platform.
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            tls.WithClientCertificates([certificate]);
        }
    }
}
