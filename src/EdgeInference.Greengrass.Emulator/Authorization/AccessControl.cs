using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Authorization;

/// <summary>How a policy's resources are compared with the requested resource.</summary>
internal enum ResourceLookup
{
    /// <summary><c>*</c> is a glob over any characters (<c>aws.greengrass.ipc.pubsub</c>).</summary>
    Standard,

    /// <summary><c>*</c> glob plus MQTT <c>+</c>/<c>#</c> in the policy resource (<c>aws.greengrass.ipc.mqttproxy</c>).</summary>
    MqttStyle,
}

/// <summary>A resource the nucleus would refuse to load, with its message.</summary>
/// <param name="Service">The IPC service id, e.g. <c>aws.greengrass.ipc.pubsub</c>.</param>
/// <param name="PolicyId">The policy's key.</param>
/// <param name="Resource">The resource as written.</param>
/// <param name="Message">The nucleus's message (AuthorizationModule.validateResource, AuthorizationHandler).</param>
internal sealed record PolicyProblem(string Service, string PolicyId, string? Resource, string Message);

/// <summary>One loaded policy: the operations it lists and the resources that passed validation.</summary>
internal sealed record LoadedPolicy(string Service, string PolicyId, IReadOnlySet<string> Operations, IReadOnlyList<PolicyResource> Resources);

/// <summary>
/// A component's <c>accessControl</c>, loaded the way the nucleus's AuthorizationPolicyParser and
/// AuthorizationHandler.loadAuthorizationPolicies do, and checked the way AuthorizationHandler.isAuthorized does:
/// the caller's own policies under the IPC service id must list the operation (or <c>*</c>) and a resource matching the
/// requested one. A policy without operations is skipped; an empty policy id skips the service's policies; a resource
/// that fails validation is dropped (and reported) while the rest of its policy still applies.
/// </summary>
internal sealed class AccessControl
{
    public const string PubSubService = "aws.greengrass.ipc.pubsub";
    public const string MqttProxyService = "aws.greengrass.ipc.mqttproxy";
    public const string AnyOperation = "*";

    private AccessControl(IReadOnlyList<LoadedPolicy> policies, IReadOnlyList<PolicyProblem> problems)
    {
        Policies = policies;
        Problems = problems;
    }

    /// <summary>An access control that grants nothing.</summary>
    public static AccessControl None { get; } = new([], []);

    public IReadOnlyList<LoadedPolicy> Policies { get; }

    /// <summary>What the nucleus would log as refused while loading.</summary>
    public IReadOnlyList<PolicyProblem> Problems { get; }

    /// <summary>Loads the <c>accessControl</c> node of a component configuration (an object, or a JSON string as the nucleus also accepts).</summary>
    public static AccessControl Load(JsonNode? accessControl)
    {
        if (accessControl is JsonValue text && text.TryGetValue<string>(out var json))
        {
            try
            {
                accessControl = JsonNode.Parse(json);
            }
            catch (JsonException ex)
            {
                return new AccessControl([], [new PolicyProblem(string.Empty, string.Empty, null, $"Unable to deserialize access control map: {ex.Message}")]);
            }
        }

        if (accessControl is not JsonObject services)
        {
            return None;
        }

        var policies = new List<LoadedPolicy>();
        var problems = new List<PolicyProblem>();
        foreach (var (service, serviceNode) in services)
        {
            if (serviceNode is not JsonObject servicePolicies)
            {
                continue;
            }

            if (servicePolicies.Any(p => p.Key.Length == 0))
            {
                problems.Add(new PolicyProblem(service, string.Empty, null, "Malformed policy with empty/null policy IDs"));
                continue;
            }

            foreach (var (policyId, policyNode) in servicePolicies)
            {
                LoadPolicy(service, policyId, policyNode as JsonObject, policies, problems);
            }
        }

        return new AccessControl(policies, problems);
    }

    /// <summary>Whether a policy of this component allows <paramref name="operation"/> on <paramref name="resource"/> under <paramref name="service"/>.</summary>
    public bool IsAuthorized(string service, string operation, string resource, ResourceLookup lookup) =>
        Policies.Any(p => p.Service == service
            && (p.Operations.Contains(operation) || p.Operations.Contains(AnyOperation))
            && p.Resources.Any(r => r.Matches(resource, lookup)));

    private static void LoadPolicy(string service, string policyId, JsonObject? policy, List<LoadedPolicy> policies, List<PolicyProblem> problems)
    {
        // Policy members are read case-insensitively (AuthorizationPolicyParser: ACCEPT_CASE_INSENSITIVE_PROPERTIES).
        var operations = Strings(Member(policy, "operations"));
        if (operations.Count == 0)
        {
            problems.Add(new PolicyProblem(service, policyId, null, "Policy operations are missing or invalid"));
            return;
        }

        var resources = new List<PolicyResource>();
        foreach (var text in Strings(Member(policy, "resources")))
        {
            if (PolicyResource.TryCreate(text, out var resource, out var error))
            {
                resources.Add(resource!);
            }
            else
            {
                problems.Add(new PolicyProblem(service, policyId, text, error!));
            }
        }

        policies.Add(new LoadedPolicy(service, policyId, operations.ToHashSet(StringComparer.Ordinal), resources));
    }

    private static JsonNode? Member(JsonObject? obj, string name) =>
        obj?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static List<string> Strings(JsonNode? node) => node switch
    {
        JsonArray array => [.. array.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : v.ToJsonString())],
        JsonValue value when value.TryGetValue<string>(out var single) => [single],
        _ => [],
    };
}
