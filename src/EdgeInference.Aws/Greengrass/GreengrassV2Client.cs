using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;
using EdgeInference.Aws;
using EdgeInference.Aws.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace EdgeInference.Aws.Greengrass;

/// <summary>
/// The three GreengrassV2 operations publishing needs, over the REST-JSON API with SigV4 (service <c>greengrass</c>).
/// AWSSDK.GreengrassV2 is not available here, so requests are built as the AWS CLI builds them. Throttling and 5xx
/// answers are retried by one Polly pipeline (<see cref="GreengrassV2RetryOptions"/>); each attempt is signed anew.
/// </summary>
public sealed class GreengrassV2Client
{
    public const string ServiceName = "greengrass";
    private const string DisplayName = "GreengrassV2";
    private const int MaxListPages = 100;

    private readonly HttpClient _httpClient;
    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly AWSCredentials _credentials;
    private readonly TimeProvider _timeProvider;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public GreengrassV2Client(
        HttpClient httpClient,
        Uri endpoint,
        string region,
        AWSCredentials credentials,
        TimeProvider timeProvider,
        GreengrassV2RetryOptions? retry = null,
        ILogger? logger = null)
    {
        _httpClient = httpClient;
        _endpoint = endpoint;
        _region = region;
        _credentials = credentials;
        _timeProvider = timeProvider;
        _pipeline = GreengrassV2Resilience.Create(retry ?? GreengrassV2RetryOptions.Default, timeProvider, logger ?? NullLogger.Instance);
    }

    /// <summary>The public endpoint for a region (<c>greengrass.REGION.amazonaws.com</c>).</summary>
    public static Uri DefaultEndpoint(string region) =>
        new(region.StartsWith("cn-", StringComparison.Ordinal)
            ? $"https://greengrass.{region}.amazonaws.com.cn"
            : $"https://greengrass.{region}.amazonaws.com");

    /// <summary><c>POST /greengrass/v2/createComponentVersion</c> with the recipe bytes base64-encoded as <c>inlineRecipe</c>.</summary>
    public async Task<ComponentVersionDescription> CreateComponentVersionAsync(
        ReadOnlyMemory<byte> recipe,
        string clientToken,
        IReadOnlyDictionary<string, string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["inlineRecipe"] = Convert.ToBase64String(recipe.Span) };
        if (tags is { Count: > 0 })
        {
            var tagObject = new JsonObject();
            foreach (var (key, value) in tags)
            {
                tagObject[key] = value;
            }

            body["tags"] = tagObject;
        }

        body["clientToken"] = clientToken;
        return await SendAsync(
            "CreateComponentVersion",
            HttpMethod.Post,
            "/greengrass/v2/createComponentVersion",
            BotocoreJson.Serialize(body),
            GreengrassJsonContext.Default.ComponentVersionDescription,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /greengrass/v2/components/{arn}/metadata</c> (DescribeComponent).</summary>
    public Task<ComponentVersionDescription> DescribeComponentAsync(string componentVersionArn, CancellationToken cancellationToken = default) =>
        SendAsync(
            "DescribeComponent",
            HttpMethod.Get,
            $"/greengrass/v2/components/{Uri.EscapeDataString(componentVersionArn)}/metadata",
            null,
            GreengrassJsonContext.Default.ComponentVersionDescription,
            cancellationToken);

    /// <summary><c>GET /greengrass/v2/components/{arn}/versions</c>, following <c>nextToken</c> (bounded).</summary>
    public async Task<IReadOnlyList<ComponentVersionListItem>> ListComponentVersionsAsync(string componentArn, CancellationToken cancellationToken = default)
    {
        var versions = new List<ComponentVersionListItem>();
        string? nextToken = null;
        for (var page = 0; page < MaxListPages; page++)
        {
            var path = $"/greengrass/v2/components/{Uri.EscapeDataString(componentArn)}/versions";
            if (nextToken is not null)
            {
                path += "?nextToken=" + Uri.EscapeDataString(nextToken);
            }

            var reply = await SendAsync("ListComponentVersions", HttpMethod.Get, path, null, GreengrassJsonContext.Default.ListComponentVersionsReply, cancellationToken)
                .ConfigureAwait(false);
            versions.AddRange(reply.ComponentVersions ?? []);
            nextToken = reply.NextToken;
            if (string.IsNullOrEmpty(nextToken))
            {
                return versions;
            }
        }

        throw new AwsProtocolException($"{DisplayName} ListComponentVersions returned more than {MaxListPages} pages for {componentArn}.");
    }

    /// <summary>
    /// Polls DescribeComponent until the version is DEPLOYABLE or FAILED, or <paramref name="timeout"/> passes
    /// (then the last description is returned as it is).
    /// </summary>
    public async Task<ComponentVersionDescription> WaitForSettledStateAsync(
        string componentVersionArn,
        TimeSpan pollInterval,
        TimeSpan timeout,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var started = _timeProvider.GetTimestamp();
        string? lastState = null;
        while (true)
        {
            var description = await DescribeComponentAsync(componentVersionArn, cancellationToken).ConfigureAwait(false);
            var state = description.Status?.ComponentState;
            if (state != lastState)
            {
                progress?.Report($"Component state: {state ?? "(none)"}");
                lastState = state;
            }

            if (state is CloudComponentState.Deployable or CloudComponentState.Failed
                || _timeProvider.GetElapsedTime(started) + pollInterval > timeout)
            {
                return description;
            }

            await Task.Delay(pollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<T> SendAsync<T>(string operation, HttpMethod method, string pathAndQuery, byte[]? body, JsonTypeInfo<T> replyType, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    // A new message per attempt: a sent request cannot be sent again, and each attempt is signed at its own time.
                    var credentials = await _credentials.GetCredentialsAsync().ConfigureAwait(false);
                    using var request = new HttpRequestMessage(method, new Uri(_endpoint, pathAndQuery));
                    if (body is not null)
                    {
                        request.Content = new ByteArrayContent(body);
                        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    }

                    SigV4RequestSigner.Sign(request, body ?? [], credentials, _region, ServiceName, _timeProvider.GetUtcNow());
                    return await _httpClient.SendAsync(request, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new AwsEndpointUnreachableException(DisplayName, _endpoint, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AwsEndpointUnreachableException(DisplayName, _endpoint, ex);
        }

        using (response)
        {
            var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw ToServiceException(operation, response, payload);
            }

            try
            {
                return JsonSerializer.Deserialize(payload, replyType)
                    ?? throw new AwsProtocolException($"{DisplayName} {operation} returned an empty reply.");
            }
            catch (JsonException ex)
            {
                throw new AwsProtocolException($"{DisplayName} {operation} returned a reply that is not the expected JSON: {ex.Message}", ex);
            }
        }
    }

    private static AwsServiceException ToServiceException(string operation, HttpResponseMessage response, byte[] payload)
    {
        AwsErrorBody? error = null;
        try
        {
            error = payload.Length > 0 ? JsonSerializer.Deserialize(payload, GreengrassJsonContext.Default.AwsErrorBody) : null;
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): fall back to the raw text below.
        }

        var code = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
        code ??= error?.Type ?? error?.Code;
        code = string.IsNullOrEmpty(code) ? $"Http{(int)response.StatusCode}" : TrimErrorCode(code);
        var message = error?.Message ?? error?.MessageUpper ?? System.Text.Encoding.UTF8.GetString(payload).Trim();
        if (message.Length == 0)
        {
            message = response.ReasonPhrase ?? "no message";
        }

        return new AwsServiceException(DisplayName, operation, code, response.StatusCode, message);
    }

    /// <summary><c>ConflictException:http://internal.amazon.com/...</c> and <c>aws.protocoltests#ConflictException</c> both mean ConflictException.</summary>
    private static string TrimErrorCode(string code)
    {
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            code = code[..colon];
        }

        var hash = code.LastIndexOf('#');
        return hash >= 0 ? code[(hash + 1)..] : code;
    }
}
