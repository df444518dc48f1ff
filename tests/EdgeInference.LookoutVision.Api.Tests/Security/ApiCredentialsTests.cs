using EdgeInference.LookoutVision.Api.Security;
using EdgeInference.Testing.Packaging;
using Xunit;

namespace EdgeInference.LookoutVision.Api.Tests.Security;

public sealed class ApiCredentialsTests
{
    [Fact]
    public void Resolve_EnvironmentKeys_TakesThem()
    {
        var environment = new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "AKIDENV", ["AWS_SECRET_ACCESS_KEY"] = "env-secret", ["AWS_SESSION_TOKEN"] = "tok" };

        var keys = ApiCredentials.Resolve(name => environment.GetValueOrDefault(name));

        Assert.Equal(("AKIDENV", "env-secret", "tok", false), (keys.AccessKeyId, keys.SecretAccessKey, keys.SessionToken, keys.Generated));
    }

    [Fact]
    public void Resolve_ProfileInSharedCredentialsFile_TakesTheNamedProfile()
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("credentials");
        File.WriteAllText(file, "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n[line7]\naws_access_key_id = AKIDLINE7\naws_secret_access_key = s2\n");
        var environment = new Dictionary<string, string?> { ["AWS_SHARED_CREDENTIALS_FILE"] = file, ["AWS_PROFILE"] = "line7" };

        var keys = ApiCredentials.Resolve(name => environment.GetValueOrDefault(name));

        Assert.Equal(("AKIDLINE7", "s2"), (keys.AccessKeyId, keys.SecretAccessKey));
        Assert.Contains("line7", keys.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NothingConfigured_GeneratesAFreshAwsShapedPair()
    {
        using var temp = new TempDirectory();
        var environment = new Dictionary<string, string?> { ["HOME"] = temp.Path };

        var first = ApiCredentials.Resolve(name => environment.GetValueOrDefault(name));
        var second = ApiCredentials.Resolve(name => environment.GetValueOrDefault(name));

        Assert.True(first.Generated);
        Assert.Matches("^AKIA[A-Z2-7]{16}\\z", first.AccessKeyId);
        Assert.Equal(40, first.SecretAccessKey.Length);
        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        Assert.DoesNotContain(first.SecretAccessKey, first.ToString(), StringComparison.Ordinal);
    }
}
