using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;
using YamlDotNet.Serialization;

namespace EdgeInference.Testing.Aws;

/// <summary>One request as it arrived: method, raw target (path + query, still percent-encoded), headers, body.</summary>
public sealed record RecordedRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A reply the test forces instead of the fake's own behaviour.</summary>
public sealed record FakeReply(HttpStatusCode Status, string Body, string? ErrorType = null)
{
    /// <summary>A Retry-After header value (seconds or an HTTP date), when set.</summary>
    public string? RetryAfter { get; init; }
}

/// <summary>
/// An in-process GreengrassV2 (Kestrel on 127.0.0.1, port 0) that records every request and answers
/// CreateComponentVersion (<c>POST /greengrass/v2/createComponentVersion</c>), DescribeComponent and ListComponentVersions
/// (<c>GET /greengrass/v2/components/{arn}/versions</c>) like the service, as our client and boto3 (GDK) call them: base64
/// <c>inlineRecipe</c>, 409 ConflictException for an existing version, REQUESTED → DEPLOYABLE (or FAILED) states,
/// paginated version lists with <c>nextToken</c>. It answers whatever Host the request names (the TLS proxy relays
/// <c>greengrass.REGION.amazonaws.com</c> here).
/// </summary>
public sealed class FakeGreengrassV2Server : IAsyncDisposable
{
    public const string Account = "123456789012";
    public const string Region = "us-east-1";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, StoredVersion> _versions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _describeCalls = new(StringComparer.Ordinal);

    private FakeGreengrassV2Server(WebApplication app) => _app = app;

    public string Url { get; private set; } = string.Empty;

    /// <summary>DescribeComponent calls that still answer REQUESTED/INITIATED before the final state.</summary>
    public int DescribeCallsBeforeSettled { get; set; } = 1;

    /// <summary>When set, versions end FAILED with this message instead of DEPLOYABLE.</summary>
    public string? FailWithMessage { get; set; }

    /// <summary>Versions per ListComponentVersions page.</summary>
    public int PageSize { get; set; } = 2;

    /// <summary>
    /// ListComponentVersions of a component with no version: false (default) answers an empty list, as the service does
    /// (GDK's publish lists before the first version exists); true answers 404 ResourceNotFoundException.
    /// </summary>
    public bool UnknownComponentNotFound { get; set; }

    /// <summary>When set, every request gets this reply.</summary>
    public Func<RecordedRequest, FakeReply?>? Override { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Recipes received by CreateComponentVersion (decoded from base64), by version ARN.</summary>
    public IReadOnlyDictionary<string, byte[]> Recipes => _versions.ToDictionary(p => p.Key, p => p.Value.Recipe);

    public static async Task<FakeGreengrassV2Server> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeGreengrassV2Server(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    /// <summary>Adds an existing version (for NEXT_PATCH tests).</summary>
    public void Seed(string componentName, string version) =>
        _versions[VersionArn(componentName, version)] = new StoredVersion(componentName, version, [], CreatedAt: 0);

    public static string ComponentArn(string componentName) => $"arn:aws:greengrass:{Region}:{Account}:components:{componentName}";

    public static string VersionArn(string componentName, string version) => $"{ComponentArn(componentName)}:versions:{version}";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var recorded = new RecordedRequest(
            context.Request.Method,
            rawTarget,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            buffer.ToArray());
        _requests.Enqueue(recorded);

        var reply = Override?.Invoke(recorded) ?? Answer(recorded);
        context.Response.StatusCode = (int)reply.Status;
        context.Response.ContentType = "application/json";
        if (reply.ErrorType is not null)
        {
            context.Response.Headers["x-amzn-ErrorType"] = reply.ErrorType + ":http://internal.amazon.com/coral/com.amazonaws.greengrass/";
        }

        if (reply.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = reply.RetryAfter;
        }

        await context.Response.WriteAsync(reply.Body);
    }

    private FakeReply Answer(RecordedRequest request)
    {
        var path = request.RawTarget.Split('?')[0];
        const string components = "/greengrass/v2/components/";
        if (request.Method == "POST" && path == "/greengrass/v2/createComponentVersion")
        {
            return Create(request);
        }

        if (request.Method == "GET" && path.StartsWith(components, StringComparison.Ordinal))
        {
            var rest = path[components.Length..];
            if (rest.EndsWith("/metadata", StringComparison.Ordinal))
            {
                return Describe(Uri.UnescapeDataString(rest[..^"/metadata".Length]));
            }

            if (rest.EndsWith("/versions", StringComparison.Ordinal))
            {
                return List(Uri.UnescapeDataString(rest[..^"/versions".Length]), request.RawTarget);
            }
        }

        return Error(HttpStatusCode.NotFound, "ResourceNotFoundException", $"No route for {request.Method} {path}.");
    }

    private FakeReply Create(RecordedRequest request)
    {
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(request.Body);
        }
        catch (JsonException ex)
        {
            return Error(HttpStatusCode.BadRequest, "ValidationException", "Body is not JSON: " + ex.Message);
        }

        if (body?["inlineRecipe"]?.GetValue<string>() is not { } encoded)
        {
            return Error(HttpStatusCode.BadRequest, "ValidationException", "inlineRecipe is required.");
        }

        byte[] recipe;
        try
        {
            recipe = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            return Error(HttpStatusCode.BadRequest, "ValidationException", "inlineRecipe is not base64.");
        }

        if (recipe.Length > 16_000)
        {
            return Error(HttpStatusCode.BadRequest, "ValidationException", "The recipe exceeds 16000 bytes.");
        }

        var parsed = new DeserializerBuilder().Build().Deserialize<Dictionary<string, object>>(Encoding.UTF8.GetString(recipe));
        var name = parsed["ComponentName"].ToString()!;
        var version = parsed["ComponentVersion"].ToString()!;
        var arn = VersionArn(name, version);
        if (!_versions.TryAdd(arn, new StoredVersion(name, version, recipe, CreatedAt: 1_700_000_000)))
        {
            return Error(HttpStatusCode.Conflict, "ConflictException", $"Component {name} version {version} already exists.");
        }

        return new FakeReply(HttpStatusCode.Created, Describe(arn, countCall: false).Body);
    }

    private FakeReply Describe(string arn, bool countCall = true)
    {
        if (!_versions.TryGetValue(arn, out var stored))
        {
            return Error(HttpStatusCode.NotFound, "ResourceNotFoundException", $"Component version {arn} not found.");
        }

        var calls = countCall ? _describeCalls.AddOrUpdate(arn, 1, (_, n) => n + 1) : 0;
        var (state, message) = !countCall ? ("REQUESTED", "NONE")
            : calls <= DescribeCallsBeforeSettled ? ("INITIATED", "NONE")
            : FailWithMessage is { } failure ? ("FAILED", failure)
            : ("DEPLOYABLE", "NONE");
        var errors = state == "FAILED" ? new JsonObject { ["s3://bucket/artifact.zip"] = message } : new JsonObject();
        var reply = new JsonObject
        {
            ["arn"] = arn,
            ["componentName"] = stored.Name,
            ["componentVersion"] = stored.Version,
            ["creationTimestamp"] = stored.CreatedAt,
            ["publisher"] = "Example Corp",
            ["status"] = new JsonObject { ["componentState"] = state, ["message"] = message, ["errors"] = errors },
        };
        return new FakeReply(HttpStatusCode.OK, reply.ToJsonString());
    }

    private FakeReply List(string componentArn, string rawTarget)
    {
        var all = _versions.Values
            .Where(v => ComponentArn(v.Name) == componentArn)
            .OrderByDescending(v => Version.Parse(v.Version))
            .ToList();
        if (all.Count == 0 && UnknownComponentNotFound)
        {
            return Error(HttpStatusCode.NotFound, "ResourceNotFoundException", $"Component {componentArn} not found.");
        }

        var query = rawTarget.Contains('?', StringComparison.Ordinal) ? rawTarget[(rawTarget.IndexOf('?', StringComparison.Ordinal) + 1)..] : string.Empty;
        var token = query.Split('&').Where(p => p.StartsWith("nextToken=", StringComparison.Ordinal)).Select(p => Uri.UnescapeDataString(p["nextToken=".Length..])).FirstOrDefault();
        var skip = token is null ? 0 : int.Parse(token.Replace("page+", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        var page = all.Skip(skip).Take(PageSize).ToList();
        var reply = new JsonObject
        {
            ["componentVersions"] = new JsonArray(page.Select(v => (JsonNode)new JsonObject
            {
                ["componentName"] = v.Name,
                ["componentVersion"] = v.Version,
                ["arn"] = VersionArn(v.Name, v.Version),
            }).ToArray()),
        };
        if (skip + PageSize < all.Count)
        {
            // A token with characters that must be percent-encoded, like real service tokens.
            reply["nextToken"] = $"page+{skip + PageSize}";
        }

        return new FakeReply(HttpStatusCode.OK, reply.ToJsonString());
    }

    private static FakeReply Error(HttpStatusCode status, string type, string message) =>
        new(status, new JsonObject { ["message"] = message }.ToJsonString(), type);

    private sealed record StoredVersion(string Name, string Version, byte[] Recipe, long CreatedAt);
}
