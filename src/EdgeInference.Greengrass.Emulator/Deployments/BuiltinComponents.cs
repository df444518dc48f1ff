namespace EdgeInference.Greengrass.Emulator.Deployments;

/// <summary>
/// Components the nucleus provides itself, with no recipe: they satisfy a dependency when their version (the
/// nucleus's) meets its requirement, as ComponentManager.findActiveAndSatisfiedComponent prefers a running component.
/// </summary>
public static class BuiltinComponents
{
    /// <summary>The nucleus itself.</summary>
    public const string Nucleus = "aws.greengrass.Nucleus";

    /// <summary>The token exchange service (AWS credentials for components over HTTP).</summary>
    public const string TokenExchangeService = "aws.greengrass.TokenExchangeService";

    /// <summary>Every built-in the emulator provides.</summary>
    public static IReadOnlyList<string> Names { get; } = [Nucleus, TokenExchangeService];

    /// <summary>Whether <paramref name="componentName"/> is provided by the emulator.</summary>
    public static bool IsBuiltin(string componentName) => Names.Contains(componentName, StringComparer.Ordinal);
}
