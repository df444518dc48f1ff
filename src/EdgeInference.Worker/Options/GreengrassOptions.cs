namespace EdgeInference.Worker.Options;

/// <summary>The <c>Greengrass</c> section: what the worker knows of the Greengrass deployment it runs in.</summary>
public sealed record GreengrassOptions
{
    public const string SectionName = "Greengrass";

    /// <summary>The AWS account the components were published in; empty: asked of STS with the token exchange service's credentials.</summary>
    public string? AccountId { get; set; }

    /// <summary>The AWS region; empty: <c>AWS_REGION</c>, which the nucleus sets.</summary>
    public string? Region { get; set; }

    /// <summary>This component's <c>{artifacts:path}</c> (<c>…/packages/artifacts/NAME/VERSION</c>): names the runtime component and its version.</summary>
    public string? ArtifactsPath { get; set; }

    /// <summary>STS endpoint override (tests, VPC endpoints); empty: the SDK's default for the region.</summary>
    public string? StsEndpoint { get; set; }

    public string? EffectiveRegion => !string.IsNullOrWhiteSpace(Region) ? Region
        : Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } region ? region
        : Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") is { Length: > 0 } fallback ? fallback
        : null;
}
