using System.Security.Cryptography;
using System.Text;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeInference.Worker.Heads.Mqtt;

/// <summary>
/// Who may do what on the embedded broker. Clients present <c>Mqtt:Username</c>/<c>Mqtt:Password</c> when those are set
/// (anonymous clients are accepted only when they are not, and then only on the loopback address the broker listens on by
/// default). The worker itself connects with a secret made for this process, so no client can take over its session, and
/// only the worker may publish on its own output topics (status, results, describe replies, metrics).
/// </summary>
internal sealed class EmbeddedBrokerAccess
{
    private readonly byte[] _workerSecret;
    private readonly byte[]? _userName;
    private readonly byte[]? _password;
    private readonly string[] _workerOnlyFilters;

    public EmbeddedBrokerAccess(IOptions<MqttOptions> mqtt, IOptions<WorkerOptions> worker, IOptions<TopicOptions> topics, IOptions<MetricsOptions> metrics)
    {
        var thingName = worker.Value.EffectiveThingName;
        WorkerClientId = mqtt.Value.EffectiveClientId(thingName);
        WorkerPassword = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _workerSecret = Encoding.UTF8.GetBytes(WorkerPassword);
        if (!string.IsNullOrEmpty(mqtt.Value.Username))
        {
            _userName = Encoding.UTF8.GetBytes(mqtt.Value.Username);
            _password = Encoding.UTF8.GetBytes(mqtt.Value.Password ?? string.Empty);
        }

        var resolved = topics.Value.Resolve(thingName);
        _workerOnlyFilters =
        [
            resolved.Status,
            resolved.Result,
            resolved.DescribeReply,
            resolved.ModelResult.Replace(TopicOptions.ModelNameToken, "+", StringComparison.Ordinal),
            metrics.Value.ResolvedTopic(thingName),
        ];
    }

    /// <summary>The client id the worker connects with.</summary>
    public string WorkerClientId { get; }

    /// <summary>The user name the worker connects with (its client id).</summary>
    public string WorkerUserName => WorkerClientId;

    /// <summary>The worker's password on this broker: random, made when the process starts, never configured or logged.</summary>
    public string WorkerPassword { get; }

    /// <summary>Whether clients must present credentials.</summary>
    public bool RequiresCredentials => _userName is not null;

    /// <summary>Success, or why a CONNECT is refused.</summary>
    public MqttConnectReasonCode Check(string? clientId, string? userName, ReadOnlySpan<byte> password)
    {
        if (string.Equals(clientId, WorkerClientId, StringComparison.Ordinal) || string.Equals(userName, WorkerUserName, StringComparison.Ordinal))
        {
            return string.Equals(userName, WorkerUserName, StringComparison.Ordinal) && CryptographicOperations.FixedTimeEquals(password, _workerSecret)
                ? MqttConnectReasonCode.Success
                : MqttConnectReasonCode.NotAuthorized;
        }

        if (_userName is null)
        {
            return MqttConnectReasonCode.Success;
        }

        var nameMatches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(userName ?? string.Empty), _userName);
        var passwordMatches = CryptographicOperations.FixedTimeEquals(password, _password);
        return nameMatches & passwordMatches ? MqttConnectReasonCode.Success : MqttConnectReasonCode.BadUserNameOrPassword;
    }

    /// <summary>Whether <paramref name="clientId"/> may publish on <paramref name="topic"/>.</summary>
    public bool MayPublish(string? clientId, string topic) =>
        string.Equals(clientId, WorkerClientId, StringComparison.Ordinal) || !IsWorkerOnly(topic);

    private bool IsWorkerOnly(string topic) =>
        _workerOnlyFilters.Any(filter => MqttTopicFilterComparer.Compare(topic, filter) == MqttTopicFilterCompareResult.IsMatch);
}
