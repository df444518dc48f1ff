using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using EdgeInference.Aws;

namespace EdgeInference.Aws.Credentials;

/// <summary>The SDK's default credential chain (environment, profile, container, instance metadata).</summary>
public static class AwsCredentialsLoader
{
    public static AWSCredentials LoadDefault()
    {
        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials();
        }
        catch (AmazonClientException ex)
        {
            throw new AwsCredentialsNotFoundException(ex);
        }
    }
}

public sealed class AwsCredentialsNotFoundException(Exception innerException)
    : AwsClientException(
        "No AWS credentials found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or AWS_PROFILE, "
        + $"or run on a host with an instance role. ({innerException.Message})",
        innerException);
