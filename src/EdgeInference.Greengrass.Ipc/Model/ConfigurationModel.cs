using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Ipc.Model;

/// <summary><c>aws.greengrass#GetConfigurationRequest</c>.</summary>
public sealed class GetConfigurationRequest
{
    /// <summary>Omitted: the calling component.</summary>
    public string? ComponentName { get; init; }

    /// <summary>Omitted or empty: the whole configuration.</summary>
    public IReadOnlyList<string>? KeyPath { get; init; }
}

/// <summary><c>aws.greengrass#GetConfigurationResponse</c>.</summary>
public sealed class GetConfigurationResponse
{
    /// <summary>The component whose configuration this is.</summary>
    public string? ComponentName { get; init; }

    /// <summary>The subtree at the key path; a leaf comes back as <c>{"leafKey": value}</c>.</summary>
    public JsonObject? Value { get; init; }
}

/// <summary><c>aws.greengrass#SubscribeToConfigurationUpdateRequest</c>.</summary>
public sealed class SubscribeToConfigurationUpdateRequest
{
    /// <summary>Omitted: the calling component.</summary>
    public string? ComponentName { get; init; }

    /// <summary>Omitted: any change.</summary>
    public IReadOnlyList<string>? KeyPath { get; init; }
}

/// <summary><c>aws.greengrass#SubscribeToConfigurationUpdateResponse</c> (empty).</summary>
public sealed class SubscribeToConfigurationUpdateResponse;

/// <summary><c>aws.greengrass#ConfigurationUpdateEvent</c>.</summary>
public sealed class ConfigurationUpdateEvent
{
    /// <summary>The component whose configuration changed.</summary>
    public string? ComponentName { get; init; }

    /// <summary>Path of the changed node, relative to the configuration root.</summary>
    public IReadOnlyList<string>? KeyPath { get; init; }
}

/// <summary><c>aws.greengrass#ConfigurationUpdateEvents</c> union.</summary>
public sealed class ConfigurationUpdateEvents
{
    /// <summary>The change.</summary>
    public ConfigurationUpdateEvent? ConfigurationUpdateEvent { get; init; }
}

/// <summary><c>aws.greengrass#UpdateStateRequest</c>.</summary>
public sealed class UpdateStateRequest
{
    /// <summary>The state to report for the calling component.</summary>
    public required ReportedLifecycleState State { get; init; }
}

/// <summary><c>aws.greengrass#UpdateStateResponse</c> (empty).</summary>
public sealed class UpdateStateResponse;

/// <summary>The CONNECT payload.</summary>
public sealed class ConnectPayload
{
    /// <summary>The component's SVCUID token.</summary>
    public required string AuthToken { get; init; }
}
