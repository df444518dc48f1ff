using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EdgeInference.Core.Json;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeInference.Worker.Heads.Mqtt;

/// <summary>MQTT 5 client options from configuration: 64 KB buffers, credentials, (mutual) TLS, and a last will on the status topic.</summary>
internal static class MqttClientOptionsFactory
{
    /// <param name="will">The status the broker publishes (retained) if the connection drops without a clean disconnect.</param>
    public static MqttClientOptions Create(MqttOptions options, string host, int port, string clientId, string statusTopic, WorkerStatus will)
    {
        var willPayload = JsonSerializer.SerializeToUtf8Bytes(will, CoreJsonContext.Default.WorkerStatus);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithTcpServer(o => o.BufferSize = options.BufferSize)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart()
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(statusTopic)
            .WithWillPayload(willPayload)
            .WithWillContentType("application/json")
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (!string.IsNullOrEmpty(options.Username))
        {
            builder.WithCredentials(options.Username, options.Password);
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
