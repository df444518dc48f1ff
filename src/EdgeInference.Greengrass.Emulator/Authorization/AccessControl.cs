using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeInference.Greengrass.Emulator.Authorization;

/// <summary>How a policy's resources are compared with the requested resource.</summary>
internal enum ResourceLookup
{
    /// <summary><c>*</c> is a glob over any characters (<c>aws.greengrass.ipc.pubsub</c>).</summary>
    Standard,

    /// <summary><c>*</c> glob plus MQTT <c>+</c>/<c>#</c> in the policy resource (<c>aws.greengrass.ipc.mqttproxy</c>).</summary>
    MqttStyle,
}

/// <summary>
/// The recipe <c>accessControl</c> check the nucleus's AuthorizationHandler makes: the caller's own policies under the
/// IPC service id must list the operation (or <c>*</c>) and a resource matching the requested one.
/// </summary>
internal static class AccessControl
{
    public const string PubSubService = "aws.greengrass.ipc.pubsub";
    public const string MqttProxyService = "aws.greengrass.ipc.mqttproxy";
    public const string ThingNameVariable = "${iot:thingName}";

    /// <summary>Whether <paramref name="configuration"/>'s <c>accessControl</c> allows the call.</summary>
    public static bool IsAuthorized(
        JsonObject? configuration, string service, string operation, string resource, ResourceLookup lookup, string thingName)
    {
        if (configuration?["accessControl"] is not JsonObject accessControl || accessControl[service] is not JsonObject policies)
        {
            return false;
        }

        foreach (var (_, policyNode) in policies)
        {
            if (policyNode is not JsonObject policy)
            {
                continue;
            }

            var operations = Strings(policy["operations"]);
            if (!operations.Contains("*") && !operations.Contains(operation))
            {
                continue;
            }

            foreach (var pattern in Strings(policy["resources"]))
            {
                if (ResourceMatches(pattern.Replace(ThingNameVariable, thingName, StringComparison.Ordinal), resource, lookup))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether a policy resource pattern covers the requested resource.</summary>
    public static bool ResourceMatches(string pattern, string resource, ResourceLookup lookup)
    {
        if (pattern == "*" || string.Equals(pattern, resource, StringComparison.Ordinal))
        {
            return true;
        }

        if (pattern.Contains('*', StringComparison.Ordinal) && GlobMatches(pattern, resource))
        {
            return true;
        }

        return lookup == ResourceLookup.MqttStyle
            && TopicFilter.HasMqttWildcard(pattern)
            && TopicFilter.Matches(pattern, resource, dollarTopicsNeedLiteralFirstLevel: false);
    }

    private static bool GlobMatches(string pattern, string resource)
    {
        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(resource, regex, RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }

    private static HashSet<string> Strings(JsonNode? node) => node switch
    {
        JsonArray array => [.. array.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>()],
        JsonValue value when value.TryGetValue<string>(out var single) => [single],
        _ => [],
    };
}
