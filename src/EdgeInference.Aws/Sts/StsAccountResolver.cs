using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using EdgeInference.Aws;

namespace EdgeInference.Aws.Sts;

/// <summary>Finds the caller's account id with STS GetCallerIdentity (for GDK-style bucket names and component ARNs).</summary>
public static class StsAccountResolver
{
    public static async Task<string> GetAccountIdAsync(string region, AWSCredentials? credentials = null, string? endpointUrl = null, CancellationToken cancellationToken = default)
    {
        var config = new AmazonSecurityTokenServiceConfig();
        if (endpointUrl is not null)
        {
            config.ServiceURL = endpointUrl;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }

        using var client = credentials is null ? new AmazonSecurityTokenServiceClient(config) : new AmazonSecurityTokenServiceClient(credentials, config);
        try
        {
            var reply = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
            return string.IsNullOrEmpty(reply.Account)
                ? throw new AwsProtocolException("STS GetCallerIdentity returned no account id.")
                : reply.Account;
        }
        catch (AmazonServiceException ex) when (ex.StatusCode != 0 && !string.IsNullOrEmpty(ex.ErrorCode))
        {
            throw new AwsServiceException("STS", "GetCallerIdentity", ex.ErrorCode, ex.StatusCode, ex.Message, ex);
        }
        catch (Exception ex) when (ex is AmazonServiceException or HttpRequestException)
        {
            throw new AwsEndpointUnreachableException("STS", new Uri(endpointUrl ?? $"https://sts.{region}.amazonaws.com"), ex.InnerException ?? ex);
        }
    }
}
