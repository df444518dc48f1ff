using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using EdgeInference.Greengrass.Recipes;
using EdgeInference.Testing;
using EdgeInference.Testing.Aws;
using EdgeInference.Testing.Components;
using Xunit;

namespace EdgeInference.Cli.Tests.Commands.Component;

/// <summary>
/// Both routes end to end: the real GDK 1.6.2 (<c>gdk component build</c>, whose custom build command is our CLI, then
/// <c>gdk component publish</c>), and our own <c>component publish</c>, against moto (S3, STS) and the GreengrassV2 fake.
/// <para>
/// Honest shortcuts, and only these: the project is a temp copy of the repository's gdk-config.json and recipe.yaml whose
/// <c>custom_build_command</c> runs the built CLI with <c>--skip-dotnet-publish --publish-dir</c> on small stand-in publish
/// folders (a self-contained dotnet publish of the worker takes minutes on two cores; GDK never looks inside the zips) —
/// everything else in that gdk-config.json is the repository's. GDK and boto3 run unchanged: Debian's botocore 1.29 has
/// no per-service endpoint settings, so GDK is given <c>HTTPS_PROXY</c> (a TLS-intercepting proxy on 127.0.0.1 that
/// sends sts/s3 hosts to moto and greengrass.us-east-1.amazonaws.com to the fake, and refuses every other host) and
/// <c>AWS_CA_BUNDLE</c> (the proxy's throw-away CA).
/// </para>
/// </summary>
[Collection(ProcessTests.Collection)]
public sealed class GdkRoutesTests(MotoServer moto) : IAsyncLifetime
{
    private const string Region = "us-east-1";
    private const string GdkBucket = "edge-inference-components-us-east-1-123456789012";
    private const string CliBucket = "cli-route-us-east-1-123456789012";
    private static readonly BasicAWSCredentials Credentials = new("AKIDTEST", "secret");
    private readonly ComponentTestProject _project = new(GdkConfigRunningTheBuiltCli());
    private readonly string _home = Directory.CreateTempSubdirectory("gdk-home-").FullName;
    private FakeGreengrassV2Server _gdkGreengrass = null!;
    private FakeGreengrassV2Server _cliGreengrass = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _gdkGreengrass = await FakeGreengrassV2Server.StartAsync();
        _cliGreengrass = await FakeGreengrassV2Server.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _gdkGreengrass.DisposeAsync();
        await _cliGreengrass.DisposeAsync();
        _project.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public void TestGdkConfig_DiffersFromTheRepositoryOnlyInTheBuildCommand()
    {
        var repository = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "gdk-config.json")))!;
        var test = JsonNode.Parse(File.ReadAllText(_project.ConfigPath))!;

        var repositoryCommand = repository["component"]!["com.example.EdgeInference"]!["build"]!.AsObject();
        repositoryCommand.Remove("custom_build_command");
        test["component"]!["com.example.EdgeInference"]!["build"]!.AsObject().Remove("custom_build_command");

        Assert.True(JsonNode.DeepEquals(repository, test));
    }

    [Fact]
    public async Task GdkBuildAndPublish_ThenOurPublish_SameArtifactsAndEquivalentRecipes()
    {
        await GdkCli.RequireAsync();
        moto.RequireRunning();

        // 1. gdk component build: GDK wipes greengrass-build/, makes its folders, runs our CLI as the custom build.
        var build = await GdkCli.RunAsync(["component", "build"], _project.Root, GdkEnvironment(proxy: null));
        Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);
        var artifacts = _project.ArtifactsDirectory();
        var zips = Directory.GetFiles(artifacts).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["edge-inference-worker-linux-arm64.zip", "edge-inference-worker-linux-x64.zip"], zips);
        Assert.True(File.Exists(Path.Combine(_project.BuildDirectory, "recipes", "recipe.yaml")));

        // 2. gdk component publish through the proxy: STS, S3 (moto) and GreengrassV2 (the fake).
        await using (var proxy = TlsInterceptingProxy.Start(Route))
        {
            var publish = await GdkCli.RunAsync(["component", "publish"], _project.Root, GdkEnvironment(proxy));
            Assert.True(publish.ExitCode == 0, publish.Stdout + publish.Stderr);
            Assert.Contains("greengrass.us-east-1.amazonaws.com", proxy.Hosts);
            Assert.Contains(proxy.Hosts, h => h.StartsWith("sts.", StringComparison.Ordinal));
            Assert.Contains(proxy.Hosts, h => h.Contains(".s3.", StringComparison.Ordinal) || h.StartsWith("s3.", StringComparison.Ordinal));
        }

        Assert.Contains(_gdkGreengrass.Requests, r => r.Method == "GET"
            && r.RawTarget == "/greengrass/v2/components/arn%3Aaws%3Agreengrass%3Aus-east-1%3A123456789012%3Acomponents%3Acom.example.EdgeInference/versions");
        var gdkRecipe = RecipeYaml.Parse(Encoding.UTF8.GetString(Assert.Single(_gdkGreengrass.Recipes).Value));
        Assert.Equal("1.0.0", gdkRecipe["ComponentVersion"]!.GetValue<string>());
        // A CPU build leaves the NVIDIA x86-64 manifest out (no GPU zip); Jetson's manifest runs the arm64 zip with NVIDIA's ONNX Runtime.
        Assert.Equal(
            [.. new[] { "linux-arm64", "linux-x64", "linux-arm64" }.Select(rid => $"s3://{GdkBucket}/com.example.EdgeInference/1.0.0/edge-inference-worker-{rid}.zip")],
            ArtifactUris(gdkRecipe));
        foreach (var zip in zips)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(artifacts, zip!), Token), await DownloadAsync(GdkBucket, $"com.example.EdgeInference/1.0.0/{zip}"));
        }

        // 3. Our own publish of the same build folder, to its own bucket and a fresh GreengrassV2.
        var ours = await RunCliAsync("component", "publish", "--config", _project.ConfigPath, "--bucket", "cli-route", "--region", Region,
            "--endpoint-url", _cliGreengrass.Url, "--s3-endpoint-url", moto.Url, "--sts-endpoint-url", moto.Url);
        Assert.True(ours.ExitCode == 0, ours.Stderr);
        foreach (var zip in zips)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(artifacts, zip!), Token), await DownloadAsync(CliBucket, $"com.example.EdgeInference/1.0.0/{zip}"));
        }

        var cliRecipe = RecipeYaml.Parse(Encoding.UTF8.GetString(Assert.Single(_cliGreengrass.Recipes).Value));
        var cliAsIfGdkBucket = RecipeYaml.Parse(RecipeYaml.Serialize(cliRecipe).Replace(CliBucket, GdkBucket, StringComparison.Ordinal));
        Assert.True(JsonNode.DeepEquals(Sorted(gdkRecipe), Sorted(cliAsIfGdkBucket)), $"GDK sent:\n{RecipeYaml.Serialize(gdkRecipe)}\nwe sent:\n{RecipeYaml.Serialize(cliRecipe)}");
    }

    /// <summary>The repository's gdk-config.json, its custom build command pointed at the built CLI and the stand-in publish folders.</summary>
    private static string GdkConfigRunningTheBuiltCli()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "gdk-config.json")))!;
        config["component"]!["com.example.EdgeInference"]!["build"]!["custom_build_command"] = new JsonArray(
            "dotnet", CliProcess.Dll, "component", "build", "--skip-dotnet-publish", "--publish-dir", "fake-publish");
        return config.ToJsonString();
    }

    private int? Route(string host)
    {
        if (host == $"greengrass.{Region}.amazonaws.com")
        {
            return new Uri(_gdkGreengrass.Url).Port;
        }

        var toMoto = host is "sts.amazonaws.com" or $"sts.{Region}.amazonaws.com" or "s3.amazonaws.com" or $"s3.{Region}.amazonaws.com"
            || host.EndsWith(".s3.amazonaws.com", StringComparison.Ordinal) || host.EndsWith($".s3.{Region}.amazonaws.com", StringComparison.Ordinal);
        return toMoto ? new Uri(moto.Url).Port : null;
    }

    private Dictionary<string, string?> GdkEnvironment(TlsInterceptingProxy? proxy) => new()
    {
        ["HOME"] = _home,
        ["AWS_ACCESS_KEY_ID"] = "AKIDTEST",
        ["AWS_SECRET_ACCESS_KEY"] = "secret",
        ["AWS_DEFAULT_REGION"] = Region,
        ["AWS_REGION"] = Region,
        ["AWS_CONFIG_FILE"] = "/dev/null",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_PROFILE"] = null,
        ["AWS_SESSION_TOKEN"] = null,
        ["HTTPS_PROXY"] = proxy?.Url,
        ["https_proxy"] = proxy?.Url,
        ["HTTP_PROXY"] = null,
        ["http_proxy"] = null,
        ["NO_PROXY"] = null,
        ["no_proxy"] = null,
        ["AWS_CA_BUNDLE"] = proxy?.CaBundlePath,
    };

    private static List<string> ArtifactUris(JsonObject recipe) =>
        recipe["Manifests"]!.AsArray().SelectMany(m => m!["Artifacts"]!.AsArray()).Select(a => (a!["URI"] ?? a["Uri"])!.GetValue<string>()).ToList();

    /// <summary>Object keys in order, so trees written by different YAML writers compare by content.</summary>
    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };

    private async Task<byte[]> DownloadAsync(string bucket, string key)
    {
        using var client = new AmazonS3Client(Credentials, new AmazonS3Config { ServiceURL = moto.Url, ForcePathStyle = true, AuthenticationRegion = Region });
        using var response = await client.GetObjectAsync(bucket, key, Token);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, Token);
        return buffer.ToArray();
    }

    private Task<CliResult> RunCliAsync(params string[] arguments) => CliProcess.RunAsync(_project.Root, arguments);
}
