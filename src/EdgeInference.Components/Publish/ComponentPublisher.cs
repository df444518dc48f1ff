using Amazon.Runtime;
using EdgeInference.Aws;
using EdgeInference.Aws.Credentials;
using EdgeInference.Aws.Greengrass;
using EdgeInference.Aws.S3;
using EdgeInference.Aws.Sts;
using EdgeInference.Components.Gdk;
using EdgeInference.Components.Recipes;
using EdgeInference.Greengrass.Recipes;

namespace EdgeInference.Components.Publish;

/// <summary>Knobs of publishing that tests and callers may change.</summary>
/// <param name="PollInterval">Between DescribeComponent calls while the version is REQUESTED/INITIATED.</param>
/// <param name="PollTimeout">How long to wait for DEPLOYABLE or FAILED.</param>
/// <param name="ClientToken">CreateComponentVersion idempotency token; null = a new GUID per publish.</param>
public sealed record ComponentPublisherOptions(TimeSpan PollInterval, TimeSpan PollTimeout, string? ClientToken = null)
{
    public static ComponentPublisherOptions Default { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(3));
}

/// <summary>
/// GDK's publish: resolve account (STS), bucket (<c>BUCKET-REGION-ACCOUNT</c> unless verbatim) and version (NEXT_PATCH),
/// upload the artifacts, rewrite the recipe's URIs, CreateComponentVersion, then wait until DEPLOYABLE.
/// </summary>
public sealed class ComponentPublisher : IComponentPublisher
{
    private readonly PublishEndpoints _defaultEndpoints;
    private readonly string _defaultRegion;
    private readonly AWSCredentials? _credentials;
    private readonly HttpClient _httpClient;
    private readonly TimeProvider _timeProvider;
    private readonly ComponentPublisherOptions _options;

    public ComponentPublisher(PublishEndpoints defaultEndpoints, string defaultRegion, AWSCredentials? credentials, HttpClient httpClient, TimeProvider timeProvider, ComponentPublisherOptions options)
    {
        _defaultEndpoints = defaultEndpoints;
        _defaultRegion = defaultRegion;
        _credentials = credentials;
        _httpClient = httpClient;
        _timeProvider = timeProvider;
        _options = options;
    }

    public async Task<PublishedComponent> PublishAsync(ComponentPublishRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var region = string.IsNullOrEmpty(request.Region) ? _defaultRegion : request.Region;
        var endpoints = new PublishEndpoints(
            request.Endpoints.S3 ?? _defaultEndpoints.S3,
            request.Endpoints.GreengrassV2 ?? _defaultEndpoints.GreengrassV2,
            request.Endpoints.Sts ?? _defaultEndpoints.Sts,
            request.Endpoints.S3ForcePathStyle || _defaultEndpoints.S3ForcePathStyle);
        var credentials = _credentials ?? AwsCredentialsLoader.LoadDefault();

        var built = BuiltComponent.Load(request.BuildDirectory, request.ComponentName);
        var needsAccount = !request.BucketIsVerbatim || request.ComponentVersion == GdkConfig.NextPatch;
        var account = needsAccount
            ? await StsAccountResolver.GetAccountIdAsync(region, credentials, endpoints.Sts, cancellationToken).ConfigureAwait(false)
            : null;

        var greengrass = new GreengrassV2Client(
            _httpClient,
            endpoints.GreengrassV2 is { } gg ? new Uri(gg) : GreengrassV2Client.DefaultEndpoint(region),
            region,
            credentials,
            _timeProvider);
        var version = request.ComponentVersion;
        if (version == GdkConfig.NextPatch)
        {
            version = await ResolveNextPatchAsync(greengrass, region, account!, request.ComponentName, cancellationToken).ConfigureAwait(false);
            progress?.Report($"NEXT_PATCH resolved to {version}");
        }

        var bucket = request.BucketIsVerbatim ? request.Bucket : $"{request.Bucket}-{region}-{account}";
        var uploaded = new List<string>();
        using (var s3 = new S3ArtifactUploader(region, credentials, endpoints.S3, endpoints.S3ForcePathStyle))
        {
            if (built.ArtifactFiles.Count > 0)
            {
                await s3.EnsureBucketAsync(bucket, region, cancellationToken).ConfigureAwait(false);
            }

            foreach (var file in built.ArtifactFiles)
            {
                var name = Path.GetFileName(file);
                var key = RecipeRenderer.ObjectKey(request.Prefix, request.ComponentName, version, name);
                progress?.Report($"Uploading {name} to s3://{bucket}/{key}");
                await s3.UploadFileAsync(file, bucket, key, progress, cancellationToken).ConfigureAwait(false);
                uploaded.Add(name);
            }
        }

        if (uploaded.Count > 0)
        {
            progress?.Report("Make sure the core devices' token exchange role may s3:GetObject these artifacts.");
        }

        var recipe = RecipeRenderer.ForPublish(built.Recipe, version, bucket, request.Prefix, uploaded);
        var publishRecipeFile = Path.Combine(Path.GetDirectoryName(built.RecipeFile)!, $"{request.ComponentName}-{version}{Path.GetExtension(built.RecipeFile)}");
        // Written and sent in the built recipe's own format, as GDK's publish does.
        var recipeText = RecipeText.FormatOf(built.RecipeFile) == RecipeFormat.Json ? RecipeText.Serialize(recipe.Recipe, RecipeFormat.Json) : recipe.Yaml;
        await File.WriteAllTextAsync(publishRecipeFile, recipeText, cancellationToken).ConfigureAwait(false);

        var recipeBytes = System.Text.Encoding.UTF8.GetBytes(recipeText);
        var created = await greengrass.CreateComponentVersionAsync(recipeBytes, _options.ClientToken ?? Guid.NewGuid().ToString(), request.Tags, cancellationToken)
            .ConfigureAwait(false);
        var arn = created.Arn ?? throw new AwsProtocolException("CreateComponentVersion returned no arn.");
        progress?.Report($"Created {arn} ({created.Status?.ComponentState ?? "no state"})");

        var settled = created.Status?.ComponentState is CloudComponentState.Deployable or CloudComponentState.Failed
            ? created
            : await greengrass.WaitForSettledStateAsync(arn, _options.PollInterval, _options.PollTimeout, progress, cancellationToken).ConfigureAwait(false);
        var state = settled.Status?.ComponentState ?? "UNKNOWN";
        if (state == CloudComponentState.Failed)
        {
            var errors = settled.Status?.Errors is { Count: > 0 } e ? " " + string.Join("; ", e.Select(p => $"{p.Key}: {p.Value}")) : string.Empty;
            throw new ComponentPublishException($"Component version {arn} is FAILED: {settled.Status?.Message ?? "no message"}.{errors}");
        }

        if (state != CloudComponentState.Deployable)
        {
            throw new ComponentPublishException(
                $"Component version {arn} is still {state} after {_options.PollTimeout.TotalSeconds:0} s; check it with: aws greengrassv2 describe-component --arn {arn}");
        }

        return new PublishedComponent(arn, settled.ComponentName ?? request.ComponentName, settled.ComponentVersion ?? version, state, settled.Status?.Message);
    }

    /// <summary><c>arn:PARTITION:greengrass:REGION:ACCOUNT:components:NAME</c>, as GDK builds it.</summary>
    internal static string ComponentArn(string region, string account, string componentName)
    {
        var partition = region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
            : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
            : "aws";
        return $"arn:{partition}:greengrass:{region}:{account}:components:{componentName}";
    }

    private static async Task<string> ResolveNextPatchAsync(GreengrassV2Client greengrass, string region, string account, string componentName, CancellationToken cancellationToken)
    {
        try
        {
            var versions = await greengrass.ListComponentVersionsAsync(ComponentArn(region, account, componentName), cancellationToken).ConfigureAwait(false);
            return ComponentVersionMath.NextPatch(versions.Select(v => v.ComponentVersion ?? string.Empty));
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "ResourceNotFoundException")
        {
            return ComponentVersionMath.FirstVersion;
        }
    }
}
