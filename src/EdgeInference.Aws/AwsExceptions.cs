using System.Net;

namespace EdgeInference.Aws;

/// <summary>Base of every failure talking to AWS (or an AWS-compatible endpoint).</summary>
public abstract class AwsClientException : Exception
{
    protected AwsClientException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>The endpoint could not be reached (connection refused, DNS, TLS, timeout).</summary>
public sealed class AwsEndpointUnreachableException : AwsClientException
{
    public AwsEndpointUnreachableException(string service, Uri endpoint, Exception innerException)
        : base($"Cannot reach {service} at {endpoint}: {innerException.Message}", innerException)
    {
        Service = service;
        Endpoint = endpoint;
    }

    public string Service { get; }

    public Uri Endpoint { get; }
}

/// <summary>The service answered with a modelled error (ConflictException, ValidationException, NoSuchBucket...).</summary>
public sealed class AwsServiceException : AwsClientException
{
    public AwsServiceException(string service, string operation, string errorCode, HttpStatusCode statusCode, string serviceMessage, Exception? innerException = null)
        : base($"{service} {operation} failed: {errorCode} (HTTP {(int)statusCode}): {serviceMessage}", innerException)
    {
        Service = service;
        Operation = operation;
        ErrorCode = errorCode;
        StatusCode = statusCode;
        ServiceMessage = serviceMessage;
    }

    public string Service { get; }

    public string Operation { get; }

    public string ErrorCode { get; }

    public HttpStatusCode StatusCode { get; }

    public string ServiceMessage { get; }
}

/// <summary>The reply could not be understood (not JSON, missing fields).</summary>
public sealed class AwsProtocolException : AwsClientException
{
    public AwsProtocolException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
