namespace EdgeInference.Components.Publish;

/// <summary>
/// Uploads a built component's artifacts to S3 and creates the component version in GreengrassV2
/// (the seam packaging jobs publish through).
/// </summary>
public interface IComponentPublisher
{
    Task<PublishedComponent> PublishAsync(ComponentPublishRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default);
}

/// <param name="BuildDirectory">A GDK <c>greengrass-build/</c> folder: <c>recipes/</c> and <c>artifacts/&lt;name&gt;/&lt;version&gt;/</c>.</param>
/// <param name="Bucket">The bucket; with <paramref name="BucketIsVerbatim"/> false, <c>&lt;bucket&gt;-&lt;region&gt;-&lt;account&gt;</c> like GDK.</param>
/// <param name="Prefix">Key prefix under which <c>&lt;name&gt;/&lt;version&gt;/&lt;file&gt;</c> go (may be empty).</param>
public sealed record ComponentPublishRequest(
    string BuildDirectory,
    string ComponentName,
    string ComponentVersion,
    string Bucket,
    bool BucketIsVerbatim,
    string? Prefix,
    string Region,
    PublishEndpoints Endpoints,
    IReadOnlyDictionary<string, string>? Tags = null);

/// <summary>Custom endpoints (tests, local emulators); null means the AWS default for the region.</summary>
public sealed record PublishEndpoints(string? S3 = null, string? GreengrassV2 = null, string? Sts = null, bool S3ForcePathStyle = false);

public sealed record PublishedComponent(string ComponentVersionArn, string ComponentName, string ComponentVersion, string ComponentState, string? Message);
