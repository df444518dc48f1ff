using Amazon.Runtime;

namespace EdgeInference.Components.Publish;

/// <summary>Creates the S3 + GreengrassV2 publisher.</summary>
public static class ComponentPublisherFactory
{
    private static readonly HttpClient SharedHttpClient = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The publisher with the SDK's default credentials and the system clock.</summary>
    public static IComponentPublisher Create(PublishEndpoints endpoints, string region) =>
        Create(endpoints, region, credentials: null);

    /// <param name="endpoints">Default endpoints; a request's own non-null endpoints win.</param>
    /// <param name="region">Default region; a request's non-empty region wins.</param>
    /// <param name="credentials">Null = the SDK's default chain (environment, profile, instance role).</param>
    public static IComponentPublisher Create(
        PublishEndpoints endpoints,
        string region,
        AWSCredentials? credentials,
        TimeProvider? timeProvider = null,
        ComponentPublisherOptions? options = null,
        HttpClient? httpClient = null) =>
        new ComponentPublisher(endpoints, region, credentials, httpClient ?? SharedHttpClient, timeProvider ?? TimeProvider.System, options ?? ComponentPublisherOptions.Default);
}
